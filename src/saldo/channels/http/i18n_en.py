"""English texts of the app, by their Italian original (a test checks none is missing)."""

from __future__ import annotations

from saldo.channels.http.i18n_business import BUSINESS_EN

EN: dict[str, str] = {
    # layout and navigation
    "Il tuo saldo": "Your balance",
    "Vai al contenuto": "Skip to content",
    "Esci": "Log out",
    "Menu principale": "Main menu",
    "non letti": "unread",
    "Assistenza": "Help line",
    "SMS SALDO al": "Text SALDO to",
    "Saldo": "Balance",
    "Ricarica": "Top up",
    "Offerta": "Plan",
    "Opzioni": "Options",
    "Consumi": "Usage",
    "Messaggi": "Messages",
    "PIN": "PIN",
    "Errore": "Error",
    "Pagamento": "Payment",
    "Conferma il cambio offerta": "Confirm the plan change",
    "Qualcosa non va": "Something went wrong",
    "Torna al saldo": "Back to your balance",
    "Pagamenti di prova": "Test payments",
    "nessuna carta viene addebitata, il credito ricaricato non è denaro vero.": (
        "no card is charged, and credit topped up is not real money."
    ),
    # after an action
    "La nuova offerta è attiva da adesso.": "Your new plan is active now.",
    "La nuova offerta partirà al prossimo rinnovo.": "Your new plan starts at the next renewal.",
    "Opzione attivata.": "Option activated.",
    "Opzione disattivata.": "Option deactivated.",
    "PIN salvato: usalo quando chiami il 4242 da un altro numero.": (
        "PIN saved: use it when you call 4242 from another number."
    ),
    "Messaggi segnati come letti.": "Messages marked as read.",
    # login
    "Accedi": "Sign in",
    "La sessione è scaduta per inattività: accedi di nuovo.": (
        "Your session expired after a while without activity: please sign in again."
    ),
    "Sei uscito. A presto!": "You are logged out. See you soon!",
    "Scrivi il tuo numero di cellulare: ti mandiamo un SMS con un codice di 6 cifre.": (
        "Enter your mobile number: we will text you a 6-digit code."
    ),
    "Numero di cellulare": "Mobile number",
    "Mandami il codice": "Send me the code",
    "Se il numero %(number)s è di un nostro cliente, riceverà a breve un SMS con il codice. "
    "Il codice vale 5 minuti.": (
        "If %(number)s is a customer's number, it will get a text with the code shortly. "
        "The code is valid for 5 minutes."
    ),
    "Codice ricevuto via SMS": "Code received by text",
    "Non è arrivato? Chiedi un nuovo codice": "Nothing arrived? Ask for a new code",
    "Usa un altro numero": "Use another number",
    # dashboard
    "Credito residuo": "Remaining credit",
    "Linea in abbonamento": "Postpaid line",
    "La tua offerta": "Your plan",
    "Si rinnova il %(date)s alle %(time)s: %(fee)s": "Renews on %(date)s at %(time)s: %(fee)s",
    "Offerta sospesa": "Plan suspended",
    "Dal prossimo rinnovo: %(plan)s": "From the next renewal: %(plan)s",
    "Ricarica ora": "Top up now",
    "Cambia offerta": "Change plan",
    "Cosa ti resta": "What you have left",
    "di": "of",
    "fino al %(date)s": "until %(date)s",
    "La tua offerta non ha minuti, SMS o Giga inclusi: paghi solo quello che usi.": (
        "Your plan includes no minutes, texts or data: you pay for what you use."
    ),
    "Opzioni attive": "Active options",
    "Dati aggiornati al %(date)s alle %(time)s": "Figures as of %(date)s at %(time)s",
    "Illimitati": "Unlimited",
    "Giga": "Data",
    "Minuti": "Minutes",
    "SMS": "Texts",
    "MMS": "MMS",
    "Giga in roaming UE": "EU roaming data",
    "Giga in UE": "EU data",
    "Minuti verso l'estero": "International minutes",
    "Offerta sospesa: ricarica almeno %(amount)s per riattivarla": (
        "Plan suspended: top up at least %(amount)s to resume it"
    ),
    "Ricarica almeno %(amount)s entro il %(date)s": "Top up at least %(amount)s by %(date)s",
    # top-up and payment
    "La tua linea è in abbonamento: non serve ricaricarla, i costi arrivano in fattura.": (
        "Your line is postpaid: no top-up needed, charges come on your bill."
    ),
    "La tua offerta %(plan)s è sospesa: con una ricarica di almeno %(amount)s riparte subito.": (
        "Your plan %(plan)s is suspended: a top-up of at least %(amount)s resumes it at once."
    ),
    "Per il rinnovo del %(date)s ti servono almeno %(amount)s in più.": (
        "For the renewal on %(date)s you need at least %(amount)s more."
    ),
    "Quanto vuoi ricaricare?": "How much do you want to top up?",
    "Vai al pagamento": "Go to payment",
    "Le tue ricariche": "Your top-ups",
    "Canale": "Channel",
    "Nessuna ricarica finora.": "No top-ups yet.",
    "Ricarica effettuata": "Top-up done",
    "Grazie! Il credito è già disponibile.": "Thank you! The credit is available now.",
    "Importo": "Amount",
    "Credito attuale": "Current credit",
    "Numero": "Number",
    "Data": "Date",
    "Pagata con": "Paid with",
    "Riferimento": "Reference",
    "Pagamento in corso": "Payment in progress",
    "Stiamo aspettando la conferma della banca: non chiudere la pagina, si aggiorna da sola.": (
        "We are waiting for the bank's confirmation: keep this page open, it updates by itself."
    ),
    "Aggiorna": "Refresh",
    "Paga %(amount)s con carta": "Pay %(amount)s by card",
    "Ricarica per il numero %(number)s.": "Top-up for number %(number)s.",
    "Numero della carta": "Card number",
    "Scadenza (MM/AA)": "Expiry (MM/YY)",
    "Codice di sicurezza (CVV)": "Security code (CVV)",
    "Paga %(amount)s": "Pay %(amount)s",
    "Ambiente di prova: carte di test": "Sandbox: test cards",
    "pagamento riuscito": "payment succeeds",
    "rifiutata dalla banca": "declined by the bank",
    "fondi insufficienti": "insufficient funds",
    "servizio di pagamento non disponibile": "payment service unavailable",
    "Qualsiasi scadenza futura e qualsiasi CVV di 3 cifre.": (
        "Any future expiry date and any 3-digit CVV."
    ),
    "Cambia importo": "Change amount",
    # plans
    "Hai già chiesto di passare a %(plan)s dal prossimo rinnovo. Puoi cambiare idea qui sotto.": (
        "You already asked to switch to %(plan)s at the next renewal. You can change your mind "
        "below."
    ),
    "Dal rinnovo": "From renewal",
    "Scegli": "Choose",
    "Nessun traffico incluso: paghi a consumo": "No allowances included: pay as you go",
    "Passa a %(plan)s": "Switch to %(plan)s",
    "Da subito": "Right now",
    "È già la tua offerta.": "It is already your plan.",
    "Paghi ora %(fee)s dal credito: ti restano %(after)s.": (
        "You pay %(fee)s from your credit now: %(after)s will be left."
    ),
    "La nuova offerta vale fino al %(date)s, poi si rinnova.": (
        "The new plan runs until %(date)s, then renews."
    ),
    "Minuti, SMS e Giga rimasti dell'offerta attuale non restano validi.": (
        "Minutes, texts and data left on your current plan will not carry over."
    ),
    "L'opzione %(option)s termina: non è compatibile.": (
        "The option %(option)s ends: it does not fit the new plan."
    ),
    "Conferma e paga %(fee)s": "Confirm and pay %(fee)s",
    "Conferma": "Confirm",
    "Il tuo credito (%(credit)s) non basta: servono %(fee)s, ti mancano %(missing)s.": (
        "Your credit (%(credit)s) is not enough: %(fee)s is needed, %(missing)s is missing."
    ),
    "Ricarica %(amount)s": "Top up %(amount)s",
    "Al prossimo rinnovo": "At the next renewal",
    "Non paghi nulla adesso: tieni l'offerta attuale fino al %(date)s.": (
        "Nothing to pay now: you keep your current plan until %(date)s."
    ),
    "Il %(date)s paghi %(fee)s dal credito.": "On %(date)s you pay %(fee)s from your credit.",
    "Ricarica prima di allora: oggi il credito non basta.": (
        "Top up before then: today your credit is not enough."
    ),
    "Cambia al rinnovo": "Change at renewal",
    "Torna alle offerte": "Back to the plans",
    # options
    "Attive": "Active",
    "si rinnova": "renews",
    "Nessuna opzione attiva.": "No active options.",
    "Disponibili per la tua offerta": "Available for your plan",
    "Attiva": "Activate",
    "Nessun'altra opzione disponibile per la tua offerta.": "No other options for your plan.",
    "Attiva %(option)s": "Activate %(option)s",
    "La tua offerta è sospesa: ricarica per riattivarla prima di aggiungere opzioni.": (
        "Your plan is suspended: top up to resume it before adding options."
    ),
    "Costo %(fee)s, in fattura.": "Costs %(fee)s, on your bill.",
    "Vale fino al %(date)s.": "Valid until %(date)s.",
    "Si rinnova da sola se il credito basta; puoi disattivarla quando vuoi.": (
        "It renews by itself when your credit covers it; you can deactivate it any time."
    ),
    "Attiva e paga %(fee)s": "Activate and pay %(fee)s",
    "Disattiva %(option)s": "Deactivate %(option)s",
    "Si disattiva subito e non ti viene rimborsato nulla.": (
        "It ends right away and nothing is refunded."
    ),
    "Minuti, SMS o Giga rimasti dell'opzione non saranno più disponibili.": (
        "Minutes, texts or data left on the option will no longer be available."
    ),
    "Disattiva": "Deactivate",
    "Torna alle opzioni": "Back to the options",
    # usage
    "Servizio": "Service",
    "Tutti": "All",
    "Periodo": "Period",
    "Ultimi %(n)s giorni": "Last %(n)s days",
    "Mostra": "Show",
    "Giga usati al giorno": "Data used per day",
    "Totale nel periodo: %(total)s": "Total in the period: %(total)s",
    "Un grafico a barre: una barra per giorno, alta quanto i dati usati quel giorno.": (
        "A bar chart: one bar per day, as tall as the data used that day."
    ),
    "Dettaglio": "Details",
    "Scarica in CSV": "Download as CSV",
    "Quando": "When",
    "Quantità": "Quantity",
    "Costo": "Cost",
    "incluso": "included",
    "Più vecchi": "Older",
    "Nessun consumo nel periodo scelto.": "No usage in the chosen period.",
    "Chiamate": "Calls",
    "Chiamata": "Call",
    "Dati": "Data",
    "eu": "EU",
    "international": "international",
    "world": "rest of the world",
    # messages
    "Segna tutti come letti": "Mark all as read",
    "Da leggere": "Unread",
    "Segna come letto": "Mark as read",
    "Nessun messaggio.": "No messages.",
    "Messaggio": "Message",
    "Soglia": "Usage alert",
    "Rinnovo": "Renewal",
    "Risposta SMS": "Text reply",
    # PIN
    "PIN del servizio clienti": "Customer service PIN",
    "Il PIN di 4 cifre ti riconosce quando chiami il 4242 da un numero che non è il tuo.": (
        "The 4-digit PIN identifies you when you call 4242 from a number that is not yours."
    ),
    "Il PIN è impostato: puoi cambiarlo qui.": "Your PIN is set: you can change it here.",
    "Non hai ancora un PIN.": "You have no PIN yet.",
    "Nuovo PIN (4 cifre)": "New PIN (4 digits)",
    "Evita cifre tutte uguali o in sequenza, come 1111 o 1234.": (
        "Avoid repeated or sequential digits, like 1111 or 1234."
    ),
    "Ripeti il PIN": "Repeat the PIN",
    "Salva il PIN": "Save the PIN",
    # demo phone simulator
    "Simulatore telefono": "Phone simulator",
    "Solo in modalità demo: questa pagina fa la parte della rete telefonica.": (
        "Demo mode only: this page plays the part of the phone network."
    ),
    "Il telefono è": "This phone is",
    "Usa questo numero": "Use this number",
    "Chiama o componi": "Call or dial",
    "Ascolta": "Listen",
    "Tasto": "Key",
    "Oppure scrivi le cifre (numero, PIN)": "Or type the digits (number, PIN)",
    "Invia": "Send",
    "Riaggancia": "Hang up",
    "Numero o codice": "Number or code",
    "Chiama": "Call",
    "Componi": "Dial",
    "Ultimo codice di accesso": "Latest login code",
    "Messaggio al 4155": "Message to 4155",
    "Invia SMS": "Send SMS",
    "Ricevuti": "Received",
    # invoices
    "Fatture": "Invoices",
    "Fattura in emissione": "Invoice being issued",
    "La tua linea è ricaricabile: non riceve fatture.": (
        "Your line is prepaid: it gets no invoices."
    ),
    "Addebiti di questo mese fino a oggi (%(period)s).": (
        "This month's charges so far (%(period)s)."
    ),
    "Voce": "Item",
    "Imponibile": "Taxable amount",
    "IVA": "VAT",
    "Esente IVA": "Outside VAT",
    "Totale": "Total",
    "Le tue fatture": "Your invoices",
    "Nessuna fattura emessa finora.": "No invoice issued so far.",
    "Scadenza": "Due date",
    "Stato": "Status",
    "Documenti": "Documents",
    "nota di credito": "credit note",
    "Da pagare": "To pay",
    "Scaduta": "Overdue",
    "Pagata": "Paid",
    "Stornata": "Credited",
    "Paga ora": "Pay now",
    "Fattura %(number)s, scadenza %(due)s.": "Invoice %(number)s, due %(due)s.",
    "Fattura pagata: grazie!": "Invoice paid: thank you!",
    "Dati per la fattura": "Invoice details",
    "Indirizzo di fatturazione e recapiti: li usiamo per le tue fatture elettroniche.": (
        "Billing address and contacts: we use them for your e-invoices."
    ),
    "Nome e cognome o ragione sociale": "Full name or company name",
    "Indirizzo (via e numero civico)": "Address (street and number)",
    "CAP": "Postcode",
    "Comune": "Town",
    "Provincia (sigla)": "Province (two letters)",
    "Nazione (codice)": "Country (code)",
    "E-mail": "E-mail",
    "PEC (facoltativa)": "Certified e-mail, PEC (optional)",
    "Codice destinatario SdI (facoltativo)": "SdI recipient code (optional)",
    "Salva i dati": "Save",
    "Dati per la fattura salvati.": "Invoice details saved.",
    # tickets (segnalazioni)
    "Rispondiamo a un reclamo entro 30 giorni; se tardiamo ti spetta un indennizzo.": (
        "We answer a complaint within 30 days; if we are late you get an indemnity."
    ),
    "Allegato (PDF, JPEG o PNG, al massimo 5 MB)": "Attachment (PDF, JPEG or PNG, at most 5 MB)",
    "Aperta il": "Opened on",
    "Bonifico su IBAN": "Bank transfer to an IBAN",
    "Come vuoi il rimborso": "How you want the refund",
    "Descrivi il problema": "Describe the problem",
    "Importo in euro": "Amount in euro",
    "Indennizzo per risposta in ritardo": "Indemnity for a late answer",
    "Intestatario del conto": "Account holder",
    "Linea": "Line",
    "Nessuna segnalazione.": "No requests.",
    "Numero della fattura (se riguarda una fattura)": "Invoice number (if it is about an invoice)",
    "Nuova segnalazione": "New request",
    "Oggetto": "Subject",
    "Reclamo": "Complaint",
    "Rimborso": "Refund",
    "Rimborso richiesto": "Refund requested",
    "Rispondi": "Reply",
    "Risposta entro il": "Answer due by",
    "Risposta inviata.": "Reply sent.",
    "Scrivici, fai un reclamo o chiedi un rimborso: rispondiamo qui e ti avvisiamo via SMS.": (
        "Write to us, file a complaint or ask for a refund: we answer here and let you know by SMS."
    ),
    "Segnalazione": "Request",
    "Segnalazione inviata: ti abbiamo mandato un SMS con il codice.": (
        "Request sent: we texted you its code."
    ),
    "Segnalazioni": "Requests",
    "Solo per un rimborso": "For a refund only",
    "Sul credito": "To my credit",
    "Tipo": "Type",
    "Tu": "You",
    "Tutte le segnalazioni": "All requests",
    "giorni": "days",
    "Aperta": "Open",
    "In attesa di una tua risposta": "Waiting for your reply",
    "Risposta data": "Answered",
    "Chiusa": "Closed",
    # the demo mailbox
    "Posta demo": "Demo mailbox",
    "Le e-mail restano qui finché non è impostato un server SMTP (SALDO_SMTP_HOST).": (
        "E-mails stay here until an SMTP server is set (SALDO_SMTP_HOST)."
    ),
    "Destinatario": "Recipient",
    "Filtra": "Filter",
    "A": "To",
    "(senza oggetto)": "(no subject)",
    "Nessuna e-mail.": "No e-mails.",
}
EN.update(BUSINESS_EN)
