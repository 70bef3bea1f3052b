// A real OpenID Connect provider (the `oidc-provider` package) on a free loopback port,
// standing in for an e-ID broker in the browser tests (docs/identity.md):
//
//   const idp = await startOidcProvider({ clientId, clientSecret, accounts });
//   // start blankett with --oidc-issuer idp.issuer, then, once its address is known:
//   idp.allowRedirect(`${server.baseUrl}/identity/callback`);
//   …
//   await idp.stop();
//
// One confidential client (client_secret_basic, authorization code only, PKCE S256
// required) whose ID tokens are signed with ES256; an RSA key is published too, so that
// the client has to pick the key by its "kid". The sign-in page is a tiny form: a login
// name (a key of `accounts`) and "Sign in", or "Cancel" (access_denied). Consent is given
// at once. Each account's claims are released in the ID token under the scope "openid".
import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

export const PERSONAL_NUMBER_CLAIM = 'https://id.oidc.se/claim/personalIdentityNumber';

function privateJwk(type, options, kid, alg) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' };
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function signInPage(uid) {
  const u = escapeHtml(uid);
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test e-ID</title></head><body><main>
<h1>Test e-ID</h1>
<form method="post" action="/interaction/${u}/login"><label for="login">Login name</label> <input id="login" name="login" autocomplete="off">
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${u}/abort"><button type="submit">Cancel</button></form>
</main></body></html>`;
}

// accounts: { loginName: { claim: value, … } }.
export async function startOidcProvider({ clientId, clientSecret, accounts }) {
  let provider = null;
  let handle = null;
  const server = createServer((req, res) => {
    if (!provider) {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('the test provider has no client yet (allowRedirect)');
      return;
    }
    const path = new URL(req.url, 'http://x').pathname;
    const m = path.match(/^\/interaction\/([A-Za-z0-9_-]+)(\/login|\/abort)?$/);
    if (!m) return handle(req, res);
    interaction(req, res, m[1], m[2]).catch((e) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`interaction failed: ${e.message}`);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const issuer = `http://127.0.0.1:${server.address().port}`;

  async function interaction(req, res, uid, action) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('another interaction');
    if (action === '/abort' && req.method === 'POST') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled' },
        { mergeWithLastSubmission: false });
    }
    if (action === '/login' && req.method === 'POST') {
      const login = (await readForm(req)).get('login') || '';
      if (!Object.hasOwn(accounts, login)) {
        res.writeHead(400, { 'Content-Type': 'text/html; charset=utf-8' });
        return res.end(signInPage(uid));
      }
      return provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
    }
    if (details.prompt.name === 'login') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(signInPage(uid));
    }
    // Consent: granted at once, for what the client asked.
    const { prompt, params, session, grantId } = details;
    const grant = grantId ? await provider.Grant.find(grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
    if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
    const id = await grant.save();
    return provider.interactionFinished(req, res, { consent: { grantId: id } }, { mergeWithLastSubmission: true });
  }

  return {
    issuer,
    // Creates the provider with its one client, now that the relying party's redirect
    // URI is known.
    allowRedirect(redirectUri) {
      const claims = new Set(['sub']);
      for (const account of Object.values(accounts)) for (const name of Object.keys(account)) claims.add(name);
      provider = new Provider(issuer, {
        clients: [{
          client_id: clientId,
          client_secret: clientSecret,
          redirect_uris: [redirectUri],
          grant_types: ['authorization_code'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
          id_token_signed_response_alg: 'ES256',
        }],
        jwks: {
          keys: [
            privateJwk('rsa', { modulusLength: 2048 }, 'test-rsa', 'RS256'),
            privateJwk('ec', { namedCurve: 'P-256' }, 'test-ec', 'ES256'),
          ],
        },
        pkce: { methods: ['S256'], required: () => true },
        claims: { openid: [...claims] },
        conformIdTokenClaims: false, // the claims go in the ID token, as the Swedish OIDC profile has them
        features: { devInteractions: { enabled: false } },
        interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
        cookies: { keys: ['a test-only cookie signing key'] },
        ttl: { AccessToken: 600, AuthorizationCode: 60, Grant: 600, IdToken: 600, Interaction: 600, Session: 600 },
        async findAccount(ctx, id) {
          if (!Object.hasOwn(accounts, id)) return undefined;
          return { accountId: id, async claims() { return { sub: id, ...accounts[id] }; } };
        },
      });
      handle = provider.callback();
    },
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
