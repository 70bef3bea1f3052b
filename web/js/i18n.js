// The app's own words (buttons, headings, status texts) in Swedish, English and
// Norwegian bokmål. Everything about a form itself (labels, hints, error messages)
// comes from the engine's view model in the chosen language, never from here.
//
//   import { t, LANGUAGES, languageName } from './i18n.js';
//   t('en', 'continue')                       // "Continue"
//   t('sv', 'stepOf', { position: 2, count: 5 })   // "Steg 2 av 5"

export const LANGUAGES = ['sv', 'en', 'nb'];

// Each language's name in that language (what the language switch shows).
const NAMES = { sv: 'Svenska', en: 'English', nb: 'Norsk bokmål' };

const STRINGS = {
  sv: {
    skipLink: 'Till huvudinnehållet',
    languageSwitch: 'Språk',
    loading: 'Laddar formuläret…',
    loadFailed: 'Formuläret kunde inte laddas. Kontrollera din anslutning och försök igen.',
    previewBanner: 'Förhandsvisning av en opublicerad version. Inget sparas och ingenting kan skickas in.',
    previewCannotSend: 'Det här är en förhandsvisning: en opublicerad version kan inte skickas in.',
    notFound: 'Det finns inget formulär här',
    notFoundText: 'Formuläret finns inte eller har tagits bort. Se vilka e-tjänster som finns.',
    backToCatalogue: 'Alla e-tjänster',
    catalogueTitle: 'E-tjänster',
    catalogueIntro: 'Välj den e-tjänst du vill använda. Dina svar sparas på den här enheten tills du skickar.',
    catalogueEmpty: 'Det finns inga publicerade e-tjänster just nu.',
    catalogueOffline: 'Listan över e-tjänster kunde inte hämtas. Kontrollera din anslutning.',
    stepOf: 'Steg {position} av {count}',
    continue: 'Fortsätt',
    back: 'Tillbaka',
    errorPrefix: 'Fel: ',
    errorSummaryTitle: 'Det finns ett problem',
    errorHidden: 'Fel:',
    optional: '(valfritt)',
    yes: 'Ja',
    no: 'Nej',
    choose: 'Välj',
    notAnswered: 'Inte besvarat',
    addRow: 'Lägg till {item}',
    removeRow: 'Ta bort {item} {n}',
    rowAdded: '{item} {n} har lagts till.',
    rowRemoved: '{item} {n} har tagits bort.',
    rowHeading: '{item} {n}',
    fileChosen: 'Vald fil: {name} ({size})',
    removeFile: 'Ta bort {name}',
    fileReading: 'Läser filen…',
    fileMissingBytes: 'Filen {name} finns inte längre på enheten. Välj den igen innan du skickar.',
    checkTitle: 'Kontrollera dina svar innan du skickar',
    checkIntro: 'Kontrollera att svaren stämmer. Du kan ändra ett svar innan du skickar.',
    change: 'Ändra',
    send: 'Skicka',
    sendNote: 'När du skickar får du ett kvitto som bevisar vad du skickade och när.',
    sending: 'Skickar…',
    pendingTitle: 'Sparad på enheten',
    pending: 'Ansökan är sparad på den här enheten. Den skickas när du är uppkopplad.',
    pendingServer: 'Ansökan är sparad på den här enheten. Tjänsten svarar inte just nu; vi försöker igen automatiskt.',
    rejected: 'Ansökan kunde inte tas emot. Kontrollera svaren nedan och skicka igen.',
    rejectedWithCode: 'Ansökan kunde inte tas emot (svar från tjänsten: {code}). Kontrollera svaren och skicka igen.',
    fileMissingSend: 'Välj filen {names} till ”{label}” igen: den finns inte längre på den här enheten',
    catalogueRejected: 'Ansökan kunde inte tas emot.',
    catalogueRejectedLink: 'Se vad du behöver rätta och skicka igen',
    catalogueRejectedAnnounce: '{form}: ansökan kunde inte tas emot. Öppna e-tjänsten för att se vad du behöver rätta.',
    receiptProblemMalformed: 'svaret från tjänsten är inte ett giltigt kvitto',
    receiptProblemKeysUnavailable: 'kommunens nycklar kunde inte hämtas',
    receiptProblemUnknownKey: 'kvittot är underskrivet med en nyckel som kommunen inte har publicerat',
    receiptProblemBadSignature: 'underskriften stämmer inte med kvittot',
    receiptProblemUnsupported: 'den här webbläsaren kan inte kontrollera underskriften',
    receiptProblemNotCovering: 'kvittot gäller inte de svar som tjänsten skickade tillbaka',
    receiptTitle: 'Ansökan är skickad',
    receiptReference: 'Ditt referensnummer',
    receiptReceived: 'Mottagen',
    receiptVerified: 'Kvittot är kontrollerat: det är underskrivet av kommunen (nyckel {keyId}) och gäller exakt de svar som visas nedan.',
    receiptNotVerified: 'Kvittot kunde inte kontrolleras ({problem}). Dina svar finns kvar på enheten. Kontakta kommunen och ange referensnumret.',
    receiptWhatSent: 'Det här skickade du',
    downloadReceipt: 'Ladda ner kvittot (JSON)',
    downloadSubmission: 'Ladda ner det du skickade (JSON)',
    receiptKeep: 'Spara kvittot. Med det kan du visa vad du skickade och när.',
    resumeTitle: 'Du har en påbörjad ansökan',
    resumeText: 'Det finns svar sparade på den här enheten från {savedAt}.',
    resumeContinue: 'Fortsätt där du slutade',
    resumeStartAgain: 'Börja om med ett tomt formulär',
    droppedAnswers: 'Formuläret har ändrats sedan du började. Några svar passade inte längre och har tagits bort: {list}.',
    storageWarningTitle: 'Dina svar sparas inte',
    storageWarning: 'Den här webbläsaren låter oss inte spara på enheten (till exempel i privat läge). Om du stänger eller laddar om sidan försvinner dina svar.',
    pageTitle: '{step} – {form} – Blankett',
    saveFileLink: 'Spara en kopia av dina svar (fil)',
    saveFileHint: 'Med filen kan du fortsätta senare eller på en annan enhet. Den innehåller dina svar, så förvara den säkert. Bifogade filer följer inte med.',
    loadFileLabel: 'Fortsätt från en sparad fil',
    loadFileHint: 'Välj en fil som du har sparat med ”Spara en kopia av dina svar (fil)”. Svaren i filen ersätter svaren i formuläret.',
    loadFileTooLarge: 'Filen är för stor för att vara sparade svar. Välj filen som slutar på .json som du sparade från det här formuläret',
    loadFileNotDraft: 'Filen innehåller inte sparade svar från Blankett. Välj filen som slutar på .json som du sparade från det här formuläret',
    loadFileOtherForm: 'Filen innehåller svar till ett annat formulär. Välj en fil som du sparade från ”{form}”',
    loadFileFailed: 'Svaren i filen kunde inte läsas in. Välj filen igen eller börja med ett tomt formulär',
    loadFileLoaded: 'Svaren från filen {name} är inlästa.',
    droppedFromFile: 'Några svar i filen passar inte formuläret som det ser ut nu och har inte lästs in:',
    draftNotSavedTitle: 'Dina svar sparas inte just nu',
    draftNotSaved: 'Dina svar kunde inte sparas på den här enheten. Stäng inte sidan, eller spara en kopia av dina svar som fil.',
    pendingMemoryTitle: 'Väntar på att skickas',
    pendingMemory: 'Ansökan skickas när du är uppkopplad. Den kan inte sparas på den här enheten, så låt sidan vara öppen tills den har skickats.',
    pendingMemoryServer: 'Tjänsten svarar inte just nu; vi försöker igen automatiskt. Ansökan kan inte sparas på den här enheten, så låt sidan vara öppen tills den har skickats.',
    receiptNotStored: 'Kvittot kunde inte sparas på den här enheten. Ladda ner det nu och spara det.',
    filterLabel: 'Filtrera listan',
    filterCount: '{count} av {total} alternativ matchar',
    filterNone: 'Inga alternativ matchar',
    filterAll: 'Alla {total} alternativ visas',
    sentEarlier: 'Du skickade den här ansökan {time} med referensnummer {reference}.',
    awaitingSignaturesTitle: 'Fler behöver skriva under',
    awaitingSignatureOne: 'Ansökan väntar på underskrift av {names}, som har fått en länk via e-post. Ansökan handläggs när alla har skrivit under.',
    awaitingSignatureMany: 'Ansökan väntar på underskrifter av {names}, som var och en har fått en länk via e-post. Ansökan handläggs när alla har skrivit under.',
    listAnd: ' och ',
    completionTitle: 'Komplettera din ansökan {reference}',
    completionMessageTitle: 'Meddelande från handläggaren',
    completionIntro: 'Ändra svaren nedan och tryck på Skicka. Svaret skickas när du trycker på Skicka; ingenting sparas på den här enheten innan dess.',
    completionExpires: 'Länken gäller till {time}.',
    completionFieldsTitle: 'Det här ska kompletteras',
    completionAttachmentOnServer: 'Filen {name} finns redan hos kommunen.',
    completionOffline: 'Svaret kunde inte skickas: du verkar inte vara uppkopplad, eller så svarar inte tjänsten. Ingenting har skickats. Kontrollera anslutningen och tryck på Skicka igen.',
    completionReceiptTitle: 'Kompletteringen är skickad',
    completionWhatSent: 'Så här ser ansökan ut nu',
    completionReceiptNotVerified: 'Kvittot kunde inte kontrolleras ({problem}). Kontakta kommunen och ange referensnumret.',
    completionNotFoundTitle: 'Länken fungerar inte',
    completionNotFound: 'Kontrollera att du har kopierat hela länken från e-postmeddelandet. Kontakta kommunen om den fortfarande inte fungerar.',
    completionGoneTitle: 'Länken gäller inte längre',
    completionGone: 'Kompletteringen är redan skickad, länken har gått ut eller begäran är återkallad. Kontakta kommunen om du behöver komplettera din ansökan.',
    completionIdentifyTitle: 'Identifiera dig för att fortsätta',
    completionIdentify: 'Ansökan innehåller personuppgifter. Identifiera dig, så att vi vet att det är du som har sökt.',
    completionIdentifyAgain: 'Din identifiering gäller inte längre. Identifiera dig igen och gör om dina ändringar.',
    completionIdentifyLink: 'Identifiera dig',
    completionForbiddenTitle: 'Du kan inte komplettera den här ansökan',
    completionForbidden: 'Du har identifierat dig som en annan person än den som sökte. Bara den som sökte kan komplettera ansökan.',
  },
  en: {
    skipLink: 'Skip to main content',
    languageSwitch: 'Language',
    loading: 'Loading the form…',
    loadFailed: 'The form could not be loaded. Check your connection and try again.',
    previewBanner: 'Preview of an unpublished version. Nothing is saved and nothing can be sent.',
    previewCannotSend: 'This is a preview: an unpublished version cannot be sent.',
    notFound: 'There is no form here',
    notFoundText: 'The form does not exist or has been removed. See the e-services there are.',
    backToCatalogue: 'All e-services',
    catalogueTitle: 'E-services',
    catalogueIntro: 'Choose the e-service you want to use. Your answers are saved on this device until you send them.',
    catalogueEmpty: 'There are no published e-services at the moment.',
    catalogueOffline: 'The list of e-services could not be fetched. Check your connection.',
    stepOf: 'Step {position} of {count}',
    continue: 'Continue',
    back: 'Back',
    errorPrefix: 'Error: ',
    errorSummaryTitle: 'There is a problem',
    errorHidden: 'Error:',
    optional: '(optional)',
    yes: 'Yes',
    no: 'No',
    choose: 'Choose',
    notAnswered: 'Not answered',
    addRow: 'Add {item}',
    removeRow: 'Remove {item} {n}',
    rowAdded: '{item} {n} added.',
    rowRemoved: '{item} {n} removed.',
    rowHeading: '{item} {n}',
    fileChosen: 'Chosen file: {name} ({size})',
    removeFile: 'Remove {name}',
    fileReading: 'Reading the file…',
    fileMissingBytes: 'The file {name} is no longer on this device. Choose it again before you send.',
    checkTitle: 'Check your answers before sending',
    checkIntro: 'Check that your answers are right. You can change an answer before you send.',
    change: 'Change',
    send: 'Send',
    sendNote: 'When you send, you get a receipt that proves what you sent and when.',
    sending: 'Sending…',
    pendingTitle: 'Saved on this device',
    pending: 'Saved on this device; it will be sent when you are online.',
    pendingServer: 'Saved on this device. The service is not answering at the moment; we will try again automatically.',
    rejected: 'The application could not be accepted. Check the answers below and send again.',
    rejectedWithCode: 'The application could not be accepted (the service answered: {code}). Check your answers and send again.',
    fileMissingSend: 'Choose the file {names} for “{label}” again: it is no longer on this device',
    catalogueRejected: 'Your application could not be accepted.',
    catalogueRejectedLink: 'See what to correct and send it again',
    catalogueRejectedAnnounce: '{form}: your application could not be accepted. Open the e-service to see what to correct.',
    receiptProblemMalformed: 'the service did not answer with a valid receipt',
    receiptProblemKeysUnavailable: 'the municipality\'s keys could not be fetched',
    receiptProblemUnknownKey: 'the receipt is signed with a key the municipality has not published',
    receiptProblemBadSignature: 'the signature does not match the receipt',
    receiptProblemUnsupported: 'this browser cannot check the signature',
    receiptProblemNotCovering: 'the receipt does not cover the answers the service sent back',
    receiptTitle: 'Application sent',
    receiptReference: 'Your reference number',
    receiptReceived: 'Received',
    receiptVerified: 'Receipt verified: it is signed by the municipality (key {keyId}) and covers exactly the answers shown below.',
    receiptNotVerified: 'The receipt could not be verified ({problem}). Your answers are still on this device. Contact the municipality and give the reference number.',
    receiptWhatSent: 'What you sent',
    downloadReceipt: 'Download receipt (JSON)',
    downloadSubmission: 'Download what you sent (JSON)',
    receiptKeep: 'Keep the receipt. It shows what you sent and when.',
    resumeTitle: 'You have an application in progress',
    resumeText: 'Answers from {savedAt} are saved on this device.',
    resumeContinue: 'Continue where you left off',
    resumeStartAgain: 'Start again with an empty form',
    droppedAnswers: 'The form has changed since you started. Some answers no longer fitted and were removed: {list}.',
    storageWarningTitle: 'Your answers are not saved',
    storageWarning: 'This browser does not let us save on this device (for example in private mode). If you close or reload the page, your answers are lost.',
    pageTitle: '{step} – {form} – Blankett',
    saveFileLink: 'Save a copy of your answers (file)',
    saveFileHint: 'With the file you can continue later or on another device. It holds your answers, so keep it safe. Attached files are not included.',
    loadFileLabel: 'Continue from a saved file',
    loadFileHint: 'Choose a file you saved with “Save a copy of your answers (file)”. The answers in the file replace the answers in the form.',
    loadFileTooLarge: 'The file is too large to be saved answers. Choose the file ending in .json that you saved from this form',
    loadFileNotDraft: 'The file does not hold answers saved from Blankett. Choose the file ending in .json that you saved from this form',
    loadFileOtherForm: 'The file holds answers to another form. Choose a file you saved from “{form}”',
    loadFileFailed: 'The answers in the file could not be loaded. Choose the file again or start with an empty form',
    loadFileLoaded: 'The answers from the file {name} are loaded.',
    droppedFromFile: 'Some answers in the file do not fit the form as it is now and were not loaded:',
    draftNotSavedTitle: 'Your answers are not being saved',
    draftNotSaved: 'Your answers could not be saved on this device. Do not close the page, or save a copy of your answers as a file.',
    pendingMemoryTitle: 'Waiting to be sent',
    pendingMemory: 'Your application will be sent when you are online. This device cannot keep it, so keep this page open until it has been sent.',
    pendingMemoryServer: 'The service is not answering at the moment; we will try again automatically. This device cannot keep your application, so keep this page open until it has been sent.',
    receiptNotStored: 'This device could not keep the receipt. Download it now and keep it.',
    filterLabel: 'Filter the list',
    filterCount: '{count} of {total} options match',
    filterNone: 'No options match',
    filterAll: 'All {total} options are shown',
    sentEarlier: 'You sent this application on {time} with reference number {reference}.',
    awaitingSignaturesTitle: 'More signatures are needed',
    awaitingSignatureOne: 'The application is waiting for the signature of {names}, who has been sent a link by e-mail. The application is handled once everyone has signed.',
    awaitingSignatureMany: 'The application is waiting for the signatures of {names}, who have each been sent a link by e-mail. The application is handled once everyone has signed.',
    listAnd: ' and ',
    completionTitle: 'Complete your application {reference}',
    completionMessageTitle: 'Message from the case officer',
    completionIntro: 'Change the answers below and press Send. Your reply is sent when you press Send; nothing is kept on this device before that.',
    completionExpires: 'The link is valid until {time}.',
    completionFieldsTitle: 'What to complete',
    completionAttachmentOnServer: 'The municipality already has the file {name}.',
    completionOffline: 'Your reply could not be sent: you seem to be offline, or the service is not answering. Nothing was sent. Check your connection and press Send again.',
    completionReceiptTitle: 'Your reply has been sent',
    completionWhatSent: 'Your application as it is now',
    completionReceiptNotVerified: 'The receipt could not be verified ({problem}). Contact the municipality and give the reference number.',
    completionNotFoundTitle: 'The link does not work',
    completionNotFound: 'Check that you copied the whole link from the e-mail. Contact the municipality if it still does not work.',
    completionGoneTitle: 'The link is no longer valid',
    completionGone: 'The reply has already been sent, the link has expired, or the request was withdrawn. Contact the municipality if you need to complete your application.',
    completionIdentifyTitle: 'Identify yourself to continue',
    completionIdentify: 'The application holds personal details. Identify yourself, so that we know it is you who applied.',
    completionIdentifyAgain: 'Your identification is no longer valid. Identify yourself again and make your changes again.',
    completionIdentifyLink: 'Identify yourself',
    completionForbiddenTitle: 'You cannot complete this application',
    completionForbidden: 'You identified as someone other than the applicant. Only the applicant can complete the application.',
  },
  nb: {
    skipLink: 'Gå til hovedinnholdet',
    languageSwitch: 'Språk',
    loading: 'Laster skjemaet…',
    loadFailed: 'Skjemaet kunne ikke lastes. Kontroller tilkoblingen og prøv igjen.',
    previewBanner: 'Forhåndsvisning av en upublisert versjon. Ingenting lagres, og ingenting kan sendes inn.',
    previewCannotSend: 'Dette er en forhåndsvisning: en upublisert versjon kan ikke sendes inn.',
    notFound: 'Det finnes ikke noe skjema her',
    notFoundText: 'Skjemaet finnes ikke eller er fjernet. Se hvilke e-tjenester som finnes.',
    backToCatalogue: 'Alle e-tjenester',
    catalogueTitle: 'E-tjenester',
    catalogueIntro: 'Velg e-tjenesten du vil bruke. Svarene dine lagres på denne enheten til du sender dem.',
    catalogueEmpty: 'Det finnes ingen publiserte e-tjenester akkurat nå.',
    catalogueOffline: 'Listen over e-tjenester kunne ikke hentes. Kontroller tilkoblingen.',
    stepOf: 'Steg {position} av {count}',
    continue: 'Fortsett',
    back: 'Tilbake',
    errorPrefix: 'Feil: ',
    errorSummaryTitle: 'Det er et problem',
    errorHidden: 'Feil:',
    optional: '(valgfritt)',
    yes: 'Ja',
    no: 'Nei',
    choose: 'Velg',
    notAnswered: 'Ikke besvart',
    addRow: 'Legg til {item}',
    removeRow: 'Fjern {item} {n}',
    rowAdded: '{item} {n} er lagt til.',
    rowRemoved: '{item} {n} er fjernet.',
    rowHeading: '{item} {n}',
    fileChosen: 'Valgt fil: {name} ({size})',
    removeFile: 'Fjern {name}',
    fileReading: 'Leser filen…',
    fileMissingBytes: 'Filen {name} finnes ikke lenger på denne enheten. Velg den på nytt før du sender.',
    checkTitle: 'Kontroller svarene før du sender',
    checkIntro: 'Kontroller at svarene stemmer. Du kan endre et svar før du sender.',
    change: 'Endre',
    send: 'Send',
    sendNote: 'Når du sender, får du en kvittering som viser hva du sendte og når.',
    sending: 'Sender…',
    pendingTitle: 'Lagret på enheten',
    pending: 'Søknaden er lagret på denne enheten. Den sendes når du er tilkoblet.',
    pendingServer: 'Søknaden er lagret på denne enheten. Tjenesten svarer ikke akkurat nå; vi prøver igjen automatisk.',
    rejected: 'Søknaden kunne ikke tas imot. Kontroller svarene nedenfor og send igjen.',
    rejectedWithCode: 'Søknaden kunne ikke tas imot (svar fra tjenesten: {code}). Kontroller svarene og send igjen.',
    fileMissingSend: 'Velg filen {names} til «{label}» på nytt: den finnes ikke lenger på denne enheten',
    catalogueRejected: 'Søknaden kunne ikke tas imot.',
    catalogueRejectedLink: 'Se hva du må rette, og send igjen',
    catalogueRejectedAnnounce: '{form}: søknaden kunne ikke tas imot. Åpne e-tjenesten for å se hva du må rette.',
    receiptProblemMalformed: 'svaret fra tjenesten er ikke en gyldig kvittering',
    receiptProblemKeysUnavailable: 'kommunens nøkler kunne ikke hentes',
    receiptProblemUnknownKey: 'kvitteringen er signert med en nøkkel kommunen ikke har publisert',
    receiptProblemBadSignature: 'signaturen stemmer ikke med kvitteringen',
    receiptProblemUnsupported: 'denne nettleseren kan ikke kontrollere signaturen',
    receiptProblemNotCovering: 'kvitteringen gjelder ikke svarene tjenesten sendte tilbake',
    receiptTitle: 'Søknaden er sendt',
    receiptReference: 'Referansenummeret ditt',
    receiptReceived: 'Mottatt',
    receiptVerified: 'Kvitteringen er kontrollert: den er signert av kommunen (nøkkel {keyId}) og gjelder nøyaktig svarene som vises nedenfor.',
    receiptNotVerified: 'Kvitteringen kunne ikke kontrolleres ({problem}). Svarene dine finnes fortsatt på enheten. Kontakt kommunen og oppgi referansenummeret.',
    receiptWhatSent: 'Dette sendte du',
    downloadReceipt: 'Last ned kvitteringen (JSON)',
    downloadSubmission: 'Last ned det du sendte (JSON)',
    receiptKeep: 'Ta vare på kvitteringen. Den viser hva du sendte og når.',
    resumeTitle: 'Du har en påbegynt søknad',
    resumeText: 'Svar fra {savedAt} er lagret på denne enheten.',
    resumeContinue: 'Fortsett der du slapp',
    resumeStartAgain: 'Begynn på nytt med et tomt skjema',
    droppedAnswers: 'Skjemaet er endret siden du begynte. Noen svar passet ikke lenger og er fjernet: {list}.',
    storageWarningTitle: 'Svarene dine lagres ikke',
    storageWarning: 'Denne nettleseren lar oss ikke lagre på enheten (for eksempel i privat modus). Hvis du lukker eller laster inn siden på nytt, forsvinner svarene dine.',
    pageTitle: '{step} – {form} – Blankett',
    saveFileLink: 'Lagre en kopi av svarene dine (fil)',
    saveFileHint: 'Med filen kan du fortsette senere eller på en annen enhet. Den inneholder svarene dine, så ta godt vare på den. Vedlagte filer blir ikke med.',
    loadFileLabel: 'Fortsett fra en lagret fil',
    loadFileHint: 'Velg en fil du har lagret med «Lagre en kopi av svarene dine (fil)». Svarene i filen erstatter svarene i skjemaet.',
    loadFileTooLarge: 'Filen er for stor til å være lagrede svar. Velg filen som slutter på .json som du lagret fra dette skjemaet',
    loadFileNotDraft: 'Filen inneholder ikke svar lagret fra Blankett. Velg filen som slutter på .json som du lagret fra dette skjemaet',
    loadFileOtherForm: 'Filen inneholder svar til et annet skjema. Velg en fil du lagret fra «{form}»',
    loadFileFailed: 'Svarene i filen kunne ikke lastes inn. Velg filen på nytt eller begynn med et tomt skjema',
    loadFileLoaded: 'Svarene fra filen {name} er lastet inn.',
    droppedFromFile: 'Noen svar i filen passer ikke til skjemaet slik det er nå og ble ikke lastet inn:',
    draftNotSavedTitle: 'Svarene dine lagres ikke nå',
    draftNotSaved: 'Svarene dine kunne ikke lagres på denne enheten. Ikke lukk siden, eller lagre en kopi av svarene dine som fil.',
    pendingMemoryTitle: 'Venter på å bli sendt',
    pendingMemory: 'Søknaden sendes når du er tilkoblet. Den kan ikke lagres på denne enheten, så la siden være åpen til den er sendt.',
    pendingMemoryServer: 'Tjenesten svarer ikke akkurat nå; vi prøver igjen automatisk. Søknaden kan ikke lagres på denne enheten, så la siden være åpen til den er sendt.',
    receiptNotStored: 'Kvitteringen kunne ikke lagres på denne enheten. Last den ned nå og ta vare på den.',
    filterLabel: 'Filtrer listen',
    filterCount: '{count} av {total} alternativer passer',
    filterNone: 'Ingen alternativer passer',
    filterAll: 'Alle {total} alternativene vises',
    sentEarlier: 'Du sendte denne søknaden {time} med referansenummer {reference}.',
    awaitingSignaturesTitle: 'Flere må signere',
    awaitingSignatureOne: 'Søknaden venter på signatur fra {names}, som har fått en lenke på e-post. Søknaden behandles når alle har signert.',
    awaitingSignatureMany: 'Søknaden venter på signaturer fra {names}, som hver har fått en lenke på e-post. Søknaden behandles når alle har signert.',
    listAnd: ' og ',
    completionTitle: 'Komplettér søknaden din {reference}',
    completionMessageTitle: 'Melding fra saksbehandleren',
    completionIntro: 'Endre svarene nedenfor og trykk på Send. Svaret sendes når du trykker på Send; ingenting lagres på denne enheten før det.',
    completionExpires: 'Lenken gjelder til {time}.',
    completionFieldsTitle: 'Dette skal kompletteres',
    completionAttachmentOnServer: 'Kommunen har allerede filen {name}.',
    completionOffline: 'Svaret kunne ikke sendes: du ser ut til å være frakoblet, eller tjenesten svarer ikke. Ingenting er sendt. Kontroller tilkoblingen og trykk på Send igjen.',
    completionReceiptTitle: 'Svaret ditt er sendt',
    completionWhatSent: 'Slik ser søknaden ut nå',
    completionReceiptNotVerified: 'Kvitteringen kunne ikke kontrolleres ({problem}). Kontakt kommunen og oppgi referansenummeret.',
    completionNotFoundTitle: 'Lenken virker ikke',
    completionNotFound: 'Kontroller at du har kopiert hele lenken fra e-posten. Kontakt kommunen hvis den fortsatt ikke virker.',
    completionGoneTitle: 'Lenken gjelder ikke lenger',
    completionGone: 'Svaret er allerede sendt, lenken er utløpt, eller forespørselen er trukket tilbake. Kontakt kommunen hvis du trenger å komplettere søknaden.',
    completionIdentifyTitle: 'Identifiser deg for å fortsette',
    completionIdentify: 'Søknaden inneholder personopplysninger. Identifiser deg, slik at vi vet at det er du som har søkt.',
    completionIdentifyAgain: 'Identifiseringen din gjelder ikke lenger. Identifiser deg på nytt og gjør endringene dine igjen.',
    completionIdentifyLink: 'Identifiser deg',
    completionForbiddenTitle: 'Du kan ikke komplettere denne søknaden',
    completionForbidden: 'Du har identifisert deg som en annen person enn den som søkte. Bare den som søkte, kan komplettere søknaden.',
  },
};

// The text for `key` in `lang` (English if the language is unknown), with {name}
// placeholders filled from `params`. An unknown key is a programming error: it throws,
// so a typo shows up in the first test rather than as a blank button.
export function t(lang, key, params = {}) {
  const table = STRINGS[lang] || STRINGS.en;
  const text = table[key];
  if (text === undefined) throw new Error(`i18n: no text "${key}"`);
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// The reason a receipt did not verify (receipt.js RECEIPT_PROBLEMS) in the citizen's
// language, for receiptNotVerified's {problem}.
const RECEIPT_PROBLEM_KEYS = {
  malformed: 'receiptProblemMalformed',
  keys_unavailable: 'receiptProblemKeysUnavailable',
  unknown_key: 'receiptProblemUnknownKey',
  bad_signature: 'receiptProblemBadSignature',
  unsupported: 'receiptProblemUnsupported',
  not_covering: 'receiptProblemNotCovering',
};

export function receiptProblemText(lang, reason) {
  return t(lang, RECEIPT_PROBLEM_KEYS[reason] || 'receiptProblemMalformed');
}

export function languageName(lang) {
  return NAMES[lang] || lang;
}

// The server's pages (signing, identification, completion links) remember their
// language in this cookie (server/html_page.cc: sv or en); a citizen who comes back from
// them to the app keeps the language they chose there.
const LANG_COOKIE = 'blankett_lang';

function cookieLanguage() {
  const m = (typeof document !== 'undefined' ? document.cookie : '').match(/(?:^|;\s*)blankett_lang=(sv|en)(?:;|$)/);
  return m ? m[1] : null;
}

// The language to start in: ?lang= if it is one we have (and, for a form, one the form
// is written in), else the server pages' language cookie, else the first of `allowed`.
export function initialLanguage(allowed = LANGUAGES) {
  const asked = new URLSearchParams(location.search).get('lang');
  if (asked && allowed.includes(asked) && LANGUAGES.includes(asked)) return asked;
  const remembered = cookieLanguage();
  if (remembered && allowed.includes(remembered)) return remembered;
  return allowed.find((l) => LANGUAGES.includes(l)) || 'sv';
}

// Keeps ?lang= in the address (without a new history entry), so a reload or a shared
// link opens in the same language; Swedish and English also go into the server pages'
// cookie, so they follow.
export function rememberLanguage(lang) {
  const url = new URL(location.href);
  url.searchParams.set('lang', lang);
  history.replaceState(history.state, '', url);
  if (lang === 'sv' || lang === 'en') document.cookie = `${LANG_COOKIE}=${lang}; Path=/; SameSite=Strict; Max-Age=31536000`;
}

// Date and time in the citizen's language, e.g. "23 november 2026 kl. 18:02".
export function formatDateTime(lang, isoText) {
  const date = new Date(isoText);
  if (Number.isNaN(date.getTime())) return isoText;
  return formatter('date', lang, undefined, (locale) => new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short' })).format(date);
}

export function formatNumber(lang, value, decimals) {
  return formatter('number', lang, decimals, (locale) =>
    new Intl.NumberFormat(locale, decimals === undefined ? {} : { maximumFractionDigits: decimals })).format(value);
}

// Builds the formatters a form in `lang` uses (see below) ahead of need.
export function prepareFormats(lang) {
  formatNumber(lang, 0);
  formatNumber(lang, 0, 0);
  formatDateTime(lang, '2026-01-01T00:00:00Z');
}

// Intl formatters are built once per kind, language and precision: building one costs
// far more than formatting (a step with many calculated values took ~130 ms of its first
// render doing it per value, and every keystroke that changed one paid again).
const formatters = new Map();
function formatter(kind, lang, decimals, make) {
  const locale = { sv: 'sv-SE', en: 'en-GB', nb: 'nb-NO' }[lang] || 'en-GB';
  const key = `${kind} ${locale} ${decimals}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make(locale)));
  return f;
}

export function formatBytes(lang, size) {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${formatNumber(lang, size / 1024, 0)} kB`;
  return `${formatNumber(lang, size / (1024 * 1024), 1)} MB`;
}
