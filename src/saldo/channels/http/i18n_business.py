"""English texts of the business area's pages, by their Italian original."""
# ruff: noqa: E501  (keys are the Italian texts exactly as the templates write them)

from __future__ import annotations

BUSINESS_EN: dict[str, str] = {
    "Area Clienti Business": "Business area",
    "Azienda registrata: accedi con la tua e-mail e la password.": (
        "Company registered: sign in with your e-mail and password."
    ),
    "Password salvata: ora puoi accedere.": "Password saved: you can sign in now.",
    "E-mail": "E-mail",
    "Password": "Password",
    "Codice dell'app di autenticazione (se attiva)": "Authenticator app code (if turned on)",
    "Prima volta? Registra l'azienda": "First time? Register your company",
    "Registra l'azienda": "Register your company",
    "Serve la partita IVA dell'azienda e il numero di una sua linea attiva: riceverà un SMS con un codice.": (
        "You need the company's VAT number and the number of one of its active lines: it will "
        "receive a code by SMS."
    ),
    "Partita IVA": "VAT number",
    "Ragione sociale": "Company name",
    "Numero di una linea aziendale": "Number of a company line",
    "La tua e-mail": "Your e-mail",
    "Password (almeno 12 caratteri)": "Password (at least 12 characters)",
    "Se i dati corrispondono a un'azienda cliente, la linea riceverà un SMS con il codice. Il codice vale 10 minuti.": (
        "If the details match a business customer, the line will receive the code by SMS. The "
        "code is valid for 10 minutes."
    ),
    "Benvenuto": "Welcome",
    "Scegli la password per %(email)s.": "Choose the password for %(email)s.",
    "Salva la password": "Save the password",
    "Le linee dell'azienda": "Company lines",
    "Cerca numero o etichetta": "Search number or label",
    "Ordina per": "Sort by",
    "Etichetta": "Label",
    "Stato": "Status",
    "Cerca": "Search",
    "Linee": "Lines",
    "Linea": "Line",
    "Utente": "User",
    "Credito": "Credit",
    "in fattura": "billed",
    "attiva": "active",
    "cessata": "terminated",
    "terminated": "terminated",
    "Nessuna linea.": "No lines.",
    "Pagine": "Pages",
    "Precedente": "Previous",
    "Successiva": "Next",
    "Pagina %(page)s di %(pages)s": "Page %(page)s of %(pages)s",
    "Spesa del mese": "Spent this month",
    "Aggiungi un'opzione": "Add an option",
    "Opzioni in blocco": "Options in bulk",
    "Esito per linea": "Outcome per line",
    "Esito": "Outcome",
    "Fatto": "Done",
    "Non riuscito": "Failed",
    "Nuova operazione": "New operation",
    "Opzione": "Option",
    "Operazione": "Operation",
    "Applica alle linee scelte": "Apply to the chosen lines",
    "Utenti": "Users",
    "Utenti e ruoli": "Users and roles",
    "Ruolo": "Role",
    "Amministratore": "Administrator",
    "Telco manager": "Telco manager",
    "Dipendente": "Employee",
    "attivo": "active",
    "invitato": "invited",
    "disattivato": "disabled",
    "Invita un utente": "Invite a user",
    "Linea (per un dipendente)": "Line (for an employee)",
    "Invia l'invito": "Send the invitation",
    "Registro": "Audit",
    "Registro attività": "Audit trail",
    "Quando": "When",
    "Chi": "Who",
    "Indirizzo": "Address",
    "Azione": "Action",
    "Su": "On",
    "Dettagli": "Details",
    "Nessuna attività.": "No activity.",
    "Profilo": "Profile",
    "Autenticazione a due fattori": "Two-factor authentication",
    "Attiva: all'accesso serve il codice dell'app.": "On: signing in needs the app's code.",
    "Codice attuale dell'app": "The app's current code",
    "Inquadra il codice QR con l'app di autenticazione, poi scrivi il codice che mostra.": (
        "Scan the QR code with your authenticator app, then type the code it shows."
    ),
    "Chiave": "Key",
    "Codice dell'app": "The app's code",
    "Non attiva.": "Off.",
    "Attiva l'autenticazione a due fattori": "Turn on two-factor authentication",
    "Password dimenticata": "Forgotten password",
    "Password dimenticata?": "Forgot your password?",
    "Se l'indirizzo è di un utente, riceverà un'e-mail con il link per scegliere una nuova password. Il link vale un'ora.": (
        "If the address is a user's, it will receive an e-mail with a link to choose a new "
        "password. The link is valid for one hour."
    ),
    "Mandami il link": "Send me the link",
    "Torna all'accesso": "Back to sign-in",
    "Spesa": "Spending",
    "Spesa dell'azienda per mese": "Company spending per month",
    "Un grafico a barre: una barra per mese, alta quanto la spesa di quel mese.": (
        "A bar chart: one bar per month, as tall as that month's spending."
    ),
    "Scarica la spesa (CSV)": "Download spending (CSV)",
    "Mese": "Month",
    "Canoni": "Plan fees",
    "Fuori bundle": "Out of bundle",
    "Ricariche": "Top-ups",
    "Questo mese, per linea": "This month, per line",
}
