# ruff: noqa: E501
"""Italian bodies and subjects of the training set (written by the project; see nlp/data/training/README.md).

Each body is (sentiment, text); `{slots}` are filled by `bench/nlp_dataset.py`.
"""

from __future__ import annotations

__all__ = ["BODIES_IT", "SUBJECTS_IT"]

BODIES_IT: dict[str, list[tuple[str, str]]] = {
    "complaint": [
        (
            "negative",
            "con la presente presento formale reclamo per la fattura n. {num} del {date}: l'importo di {amount} "
            "è stato addebitato due volte. Chiedo lo storno dell'addebito entro quindici giorni.",
        ),
        (
            "neutral",
            "segnalo che la fornitura consegnata il {date} (ordine {num}) non corrisponde a quanto ordinato: "
            "mancano 12 colli su 40. Vi chiedo di provvedere alla sostituzione o all'accredito della differenza.",
        ),
        (
            "negative",
            "è la terza volta che vi scrivo e nessuno mi risponde. Il servizio clienti è inesistente e la "
            "linea è ancora guasta dopo tre settimane. Sono esasperato.",
        ),
        (
            "negative",
            "sono molto deluso: il {product} acquistato il mese scorso si è rotto dopo pochi giorni e il "
            "vostro centro assistenza si rifiuta di ripararlo in garanzia. Pretendo il rimborso.",
        ),
        (
            "neutral",
            "con riferimento al contratto n. {num}, rilevo che la tariffa applicata nelle ultime due fatture "
            "non è quella pattuita. Contesto pertanto gli importi e chiedo la rettifica delle fatture.",
        ),
        (
            "negative",
            "vergognoso! Mi avete attivato un servizio che non ho mai richiesto e ora pretendete il "
            "pagamento di {amount}. Non pagherò nulla e mi rivolgerò a un'associazione dei consumatori.",
        ),
        (
            "neutral",
            "in qualità di legale del sig. {name}, Vi diffido dal proseguire con gli addebiti non autorizzati "
            "sul conto del mio assistito e Vi invito a restituire entro 15 giorni le somme indebitamente percepite.",
        ),
        (
            "negative",
            "il corriere ha lasciato il pacco aperto e danneggiato davanti al cancello, sotto la pioggia. "
            "La merce è inutilizzabile. Chiedo la sostituzione immediata a vostre spese.",
        ),
        (
            "neutral",
            "Vi comunico che il tecnico, atteso per il {date} tra le 9 e le 13, non si è presentato né ha "
            "avvisato. Chiedo un nuovo appuntamento e il riconoscimento dell'indennizzo previsto dalla carta dei servizi.",
        ),
        (
            "negative",
            "pessima esperienza: attesa di 40 minuti al telefono, operatore scortese e problema non risolto. "
            "Non è accettabile per un'azienda come la vostra.",
        ),
        (
            "neutral",
            "la presente per contestare formalmente la penale di {amount} applicata per il recesso: il recesso "
            "è stato esercitato nei termini previsti dall'art. 8 delle condizioni generali.",
        ),
        (
            "negative",
            "ho ricevuto un sollecito di pagamento per una fattura che ho già saldato il {date}, come da "
            "contabile allegata. Trovo inaccettabile essere trattato da moroso. Vi chiedo di annullare il sollecito.",
        ),
        (
            "neutral",
            "lamento il mancato rispetto dei tempi di consegna: l'ordine {num}, confermato per il {date}, "
            "non è ancora arrivato. Se la merce non sarà consegnata entro venerdì, annullerò l'ordine.",
        ),
        (
            "negative",
            "sono indignata per il trattamento ricevuto nel vostro punto vendita di {city}: il personale si "
            "è rifiutato di accettare il reso di un articolo difettoso ancora in garanzia.",
        ),
        (
            "neutral",
            "chiedo il rimborso del biglietto n. {num}: il volo è stato cancellato senza preavviso e non mi è "
            "stata offerta alcuna alternativa, in violazione del regolamento CE 261/2004.",
        ),
        (
            "negative",
            "da due mesi la bolletta è raddoppiata senza alcun motivo. Ho chiamato più volte senza ottenere "
            "spiegazioni. Esigo una verifica dei consumi e il ricalcolo degli importi.",
        ),
        (
            "neutral",
            "Vi segnalo un disservizio: la connessione internet è interrotta dal {date} e il guasto, aperto "
            "con ticket {num}, risulta ancora non risolto. Chiedo il ripristino urgente e lo sconto in bolletta.",
        ),
        (
            "negative",
            "il prodotto non funziona, le istruzioni sono sbagliate e nessuno risponde alle mail. Sono "
            "davvero stufo di essere preso in giro.",
        ),
        (
            "neutral",
            "Vi scrivo in merito all'ordine {num} consegnato il {date}. Attendo un Vostro riscontro.",
        ),
        (
            "neutral",
            "faccio seguito alla telefonata di ieri relativa alla fattura {num}. Allego la documentazione.",
        ),
        (
            "neutral",
            "come anticipato, allego le fotografie della merce ricevuta il {date} e la bolla firmata con riserva.",
        ),
        ("negative", "vedi oggetto. Aspetto una risposta entro oggi."),
    ],
    "information_request": [
        (
            "neutral",
            "vorrei sapere se è possibile modificare l'indirizzo di consegna dell'ordine {num}, che non è "
            "ancora stato spedito. Grazie per la disponibilità.",
        ),
        (
            "neutral",
            "potreste inviarmi il listino prezzi aggiornato per il {year} e le condizioni per gli ordini "
            "superiori a 500 pezzi?",
        ),
        (
            "positive",
            "sono interessato ai vostri servizi di manutenzione. Mi fareste sapere quali sono i costi e i "
            "tempi di intervento per la zona di {city}? Grazie mille.",
        ),
        (
            "neutral",
            "chiedo cortesemente di conoscere gli orari di apertura dello sportello di {city} e se è "
            "necessario prendere appuntamento.",
        ),
        (
            "neutral",
            "Vi chiedo informazioni sulla possibilità di rateizzare l'acquisto del {product}. Quali "
            "documenti sono necessari?",
        ),
        (
            "neutral",
            "in vista dell'audit annuale, potreste indicarci quali certificazioni possiede la Vostra azienda "
            "(ISO 9001, ISO 14001)? Ci servirebbero le copie in corso di validità.",
        ),
        (
            "positive",
            "buongiorno, ho visto la vostra offerta sul sito e vorrei capire se è valida anche per i "
            "clienti business. Grazie in anticipo per la risposta.",
        ),
        (
            "neutral",
            "desidero sapere come posso ottenere un duplicato della tessera e se il servizio è a pagamento.",
        ),
        (
            "neutral",
            "per completare la nostra anagrafica fornitori Vi preghiamo di comunicarci le coordinate "
            "bancarie e il referente amministrativo.",
        ),
        (
            "neutral",
            "avrei bisogno di sapere se il {product} è compatibile con il modello precedente e se esiste un "
            "kit di adattamento.",
        ),
        (
            "neutral",
            "mi potete indicare lo stato della mia pratica n. {num}? L'ho presentata il {date} e non ho "
            "più avuto notizie.",
        ),
        (
            "positive",
            "siamo un'associazione di {city} e vorremmo organizzare una visita guidata al vostro "
            "stabilimento. Sarebbe possibile? Con quale preavviso?",
        ),
        (
            "neutral",
            "quali sono le modalità per richiedere l'attivazione della fatturazione elettronica verso il "
            "nostro codice destinatario?",
        ),
        (
            "neutral",
            "Vi scrivo per chiedere se sono previste sessioni di formazione per l'uso del nuovo gestionale "
            "e quali sono le date disponibili.",
        ),
        (
            "neutral",
            "desidererei ricevere una copia delle condizioni generali di contratto e sapere quale foro è "
            "competente in caso di controversia.",
        ),
        (
            "positive",
            "grazie per la presentazione di ieri, molto interessante. Potreste mandarci le slide e un "
            "preventivo indicativo per 20 postazioni?",
        ),
        (
            "neutral",
            "è possibile ritirare la merce direttamente presso il vostro magazzino di {city}? In quali orari?",
        ),
        (
            "neutral",
            "chiedo di sapere se la garanzia copre anche i danni da sovratensione e come si apre una "
            "richiesta di assistenza.",
        ),
    ],
    "invoice_payment": [
        (
            "neutral",
            "in allegato trasmettiamo la fattura n. {num} del {date} di {amount}, relativa alle forniture "
            "del mese. Pagamento a 30 giorni data fattura mediante bonifico.",
        ),
        (
            "neutral",
            "dalle nostre verifiche contabili risulta ancora aperta la fattura n. {num} scaduta il {date}, "
            "per un importo di {amount}. Vi preghiamo di provvedere al saldo o di inviarci copia del bonifico.",
        ),
        (
            "neutral",
            "Vi informiamo che il pagamento della fattura {num} è stato disposto in data odierna con "
            "valuta beneficiario {date}. Cordiali saluti dall'ufficio amministrazione.",
        ),
        (
            "neutral",
            "si trasmette in allegato la nota di credito n. {num} a storno parziale della fattura del "
            "{date}, per un importo di {amount}.",
        ),
        (
            "neutral",
            "estratto conto al {date}: il saldo a Vostro debito è pari a {amount}. Vi preghiamo di "
            "verificare le partite aperte e di segnalarci eventuali differenze.",
        ),
        (
            "neutral",
            "sollecito di pagamento: nonostante il precedente avviso, la fattura n. {num} risulta ancora "
            "insoluta. In mancanza di pagamento entro 10 giorni saremo costretti ad addebitare gli interessi di mora.",
        ),
        (
            "neutral",
            "comunichiamo le nuove coordinate bancarie per i pagamenti a nostro favore a partire dal {date}. "
            "Vi preghiamo di aggiornare la Vostra anagrafica.",
        ),
        (
            "neutral",
            "avviso di scadenza: il {date} scade la rata n. 3 del piano di rientro concordato, pari a {amount}.",
        ),
        (
            "positive",
            "confermiamo di aver ricevuto il Vostro bonifico di {amount} a saldo della fattura {num}. "
            "Grazie per la puntualità.",
        ),
        (
            "neutral",
            "la fattura elettronica n. {num} è stata trasmessa al Sistema di Interscambio in data {date}. "
            "Copia di cortesia in allegato.",
        ),
        (
            "neutral",
            "Vi chiediamo di emettere fattura per l'acconto del 30% come da offerta accettata, indicando "
            "il numero d'ordine {num} e il CIG.",
        ),
        (
            "neutral",
            "ricevuta di pagamento: abbiamo addebitato {amount} sulla carta che termina con 4421 per il "
            "rinnovo annuale dell'abbonamento.",
        ),
        (
            "neutral",
            "avviso di pagamento pagoPA n. {num}: importo {amount}, da versare entro il {date} presso "
            "qualsiasi prestatore di servizi di pagamento aderente.",
        ),
        (
            "neutral",
            "in allegato il prospetto delle provvigioni maturate nel trimestre e la relativa fattura da "
            "emettere entro fine mese.",
        ),
        (
            "neutral",
            "la Vostra fattura n. {num} non può essere registrata perché manca il codice IPA. Vi "
            "chiediamo di emettere nota di credito e una nuova fattura corretta.",
        ),
        (
            "neutral",
            "Vi trasmettiamo la distinta dei pagamenti effettuati in data {date} con il dettaglio delle "
            "fatture saldate e delle ritenute applicate.",
        ),
        (
            "neutral",
            "la presente per comunicarVi che dal prossimo mese la fatturazione passerà da mensile a "
            "trimestrale posticipata; i termini di pagamento restano invariati.",
        ),
        (
            "neutral",
            "richiesta di bonifico urgente: in allegato la fattura proforma {num} per l'anticipo sulla "
            "commessa, pari a {amount}.",
        ),
    ],
    "order_delivery": [
        (
            "neutral",
            "confermiamo il Vostro ordine n. {num} del {date}. La merce sarà pronta per la spedizione entro "
            "cinque giorni lavorativi.",
        ),
        (
            "neutral",
            "il Suo pacco è stato affidato al corriere ed è in transito. Numero di tracciamento: {num}. "
            "Consegna prevista il {date}.",
        ),
        (
            "neutral",
            "Vi trasmettiamo il documento di trasporto n. {num} relativo alla consegna del {date}: 18 colli, "
            "peso lordo 420 kg.",
        ),
        (
            "positive",
            "buone notizie! Il tuo ordine {num} è stato consegnato. Grazie per aver acquistato da noi.",
        ),
        (
            "neutral",
            "la consegna prevista per domani subirà un ritardo di due giorni per lo sciopero dei trasporti. "
            "Vi aggiorneremo sulla nuova data.",
        ),
        (
            "neutral",
            "si prega di voler fornire 200 confezioni di {product} come da offerta del {date}, consegna "
            "presso il nostro magazzino di {city}, franco destino.",
        ),
        (
            "neutral",
            "avviso di giacenza: il corriere non ha potuto consegnare la spedizione {num} per destinatario "
            "assente. Può concordare una nuova consegna entro 7 giorni.",
        ),
        (
            "neutral",
            "conferma di ritiro: il corriere passerà il {date} tra le 14 e le 18 per ritirare il reso "
            "autorizzato n. {num}.",
        ),
        (
            "neutral",
            "Vi chiediamo di anticipare la consegna dell'ordine {num} al {date}, se possibile, per esigenze "
            "di produzione.",
        ),
        (
            "neutral",
            "il materiale ordinato è disponibile in pronta consegna; i restanti articoli arriveranno con "
            "una seconda spedizione entro fine mese.",
        ),
        (
            "neutral",
            "ordine di acquisto n. {num}: 50 pz articolo A-118, 20 pz articolo B-220, prezzi come da "
            "listino {year}, pagamento 60 gg d.f.f.m.",
        ),
        (
            "positive",
            "abbiamo ricevuto la merce in perfette condizioni, grazie. Procediamo con il secondo ordine "
            "alle stesse condizioni.",
        ),
        ("neutral", "la spedizione {num} è in consegna oggi. Il corriere ti contatterà prima dell'arrivo."),
        (
            "neutral",
            "si comunica che l'articolo {product} è temporaneamente esaurito; la riga d'ordine verrà "
            "evasa non appena disponibile, indicativamente entro il {date}.",
        ),
        (
            "neutral",
            "Vi preghiamo di confermare la disponibilità della banchina per lo scarico del {date} alle ore "
            "8:30 e il referente per la firma del DDT.",
        ),
        (
            "neutral",
            "modifica d'ordine: Vi chiediamo di aumentare le quantità della riga 3 da 100 a 150 pezzi, "
            "mantenendo invariata la data di consegna.",
        ),
        (
            "neutral",
            "l'ordine online {num} è stato preso in carico e verrà preparato dal magazzino di {city}.",
        ),
        (
            "neutral",
            "piano consegne del mese: tre consegne settimanali il martedì, con preavviso di 48 ore in caso "
            "di variazioni.",
        ),
    ],
    "contract_legal": [
        (
            "neutral",
            "si trasmette in allegato il contratto di fornitura n. {num} sottoscritto digitalmente. Vi "
            "preghiamo di restituirne copia controfirmata entro il {date}.",
        ),
        (
            "neutral",
            "con la presente Vi comunichiamo la disdetta del contratto di locazione dell'immobile di {city} "
            "con effetto dalla scadenza naturale del {date}, ai sensi dell'art. 4 del contratto.",
        ),
        (
            "neutral",
            "in allegato la bozza dell'accordo di riservatezza (NDA) da rivedere con il Vostro ufficio legale "
            "prima della riunione del {date}.",
        ),
        (
            "neutral",
            "Vi notifichiamo l'atto di citazione a comparire all'udienza del {date} innanzi al Tribunale di "
            "{city}, R.G. n. {num}.",
        ),
        (
            "neutral",
            "ai sensi dell'art. 1454 c.c. la presente vale come atto di costituzione in mora: in difetto di "
            "adempimento entro 15 giorni il contratto si intenderà risolto di diritto.",
        ),
        (
            "neutral",
            "Vi inviamo l'addendum al contratto quadro con le nuove condizioni economiche, valide dal {date}. "
            "Le altre clausole restano invariate.",
        ),
        (
            "neutral",
            "informativa ai sensi dell'art. 13 del Regolamento UE 2016/679: i dati personali forniti saranno "
            "trattati per l'esecuzione del contratto.",
        ),
        (
            "neutral",
            "comunichiamo il rinnovo tacito del contratto di manutenzione per un ulteriore anno, salvo "
            "disdetta da inviarsi con preavviso di 90 giorni.",
        ),
        (
            "neutral",
            "la presente per trasmetterVi il verbale di conciliazione sottoscritto dalle parti in data {date}.",
        ),
        (
            "neutral",
            "con riferimento alla gara d'appalto CIG {num}, trasmettiamo la documentazione amministrativa e "
            "la garanzia provvisoria.",
        ),
        (
            "neutral",
            "il notaio {name} ha fissato per il {date} alle ore 11 la stipula dell'atto di cessione del ramo "
            "d'azienda. Si prega di confermare la presenza dei legali rappresentanti.",
        ),
        (
            "neutral",
            "Vi trasmettiamo la procura speciale conferita all'avv. {name} per rappresentare la società "
            "nel procedimento n. {num}.",
        ),
        (
            "neutral",
            "oggetto: recesso dal contratto. Ai sensi dell'art. 12 esercitiamo il diritto di recesso con "
            "preavviso di sei mesi.",
        ),
        (
            "neutral",
            'ricevuta di avvenuta consegna PEC: il messaggio "Notifica decreto ingiuntivo n. {num}" è stato '
            "consegnato nella casella del destinatario.",
        ),
        (
            "neutral",
            "si comunica la nomina del nuovo responsabile del trattamento dei dati; in allegato l'accordo "
            "ex art. 28 GDPR da sottoscrivere.",
        ),
        (
            "neutral",
            "la scrittura privata di comodato d'uso del magazzino di {city} è allegata in duplice copia. "
            "Una copia va restituita firmata.",
        ),
        (
            "neutral",
            "Vi informiamo che l'assemblea dei soci ha deliberato la modifica dello statuto; il verbale è "
            "depositato presso il registro delle imprese.",
        ),
        (
            "neutral",
            "trasmettiamo il parere legale richiesto sulla clausola di non concorrenza del contratto di agenzia.",
        ),
    ],
    "newsletter_marketing": [
        (
            "positive",
            "scopri le offerte di primavera: fino al 40% di sconto su tutta la collezione, solo fino a "
            "domenica! Clicca qui per acquistare.",
        ),
        (
            "positive",
            "ti presentiamo il nuovo {product}: più leggero, più veloce, più conveniente. Prenota ora la "
            "tua prova gratuita.",
        ),
        (
            "positive",
            "la newsletter di {month}: le novità del catalogo, un'intervista al nostro chef e un codice "
            "sconto riservato agli iscritti.",
        ),
        (
            "positive",
            "solo per te un buono da 10 euro sul prossimo acquisto. Usa il codice BENVENUTO entro 30 giorni.",
        ),
        (
            "neutral",
            "ti ricordiamo che puoi gestire le tue preferenze o annullare l'iscrizione alla newsletter in "
            "qualsiasi momento dal link in fondo alla mail.",
        ),
        (
            "positive",
            'invito: siamo lieti di invitarti al webinar gratuito "Digitalizzare il back office" del '
            "{date} alle ore 17. Iscriviti subito, i posti sono limitati!",
        ),
        (
            "positive",
            "Black Friday anticipato: spedizione gratuita e sconti fino al 50% per tutto il fine settimana.",
        ),
        (
            "positive",
            "grazie per far parte della nostra community! Ecco i contenuti più letti del mese e gli eventi "
            "in programma a {city}.",
        ),
        (
            "positive",
            "partecipa al nostro concorso a premi e vinci un weekend per due persone. Regolamento completo "
            "sul sito.",
        ),
        (
            "neutral",
            "aggiornamento prodotti: da {month} il catalogo si arricchisce di 30 nuove referenze. Scarica "
            "il PDF.",
        ),
        (
            "positive",
            "vieni a trovarci allo stand C14 della fiera di {city}: ti aspetta una demo dal vivo e un "
            "omaggio per tutti i visitatori.",
        ),
        ("positive", "il tuo carrello ti aspetta! Completa l'ordine entro 24 ore e ricevi il 10% di sconto."),
        (
            "positive",
            "offerta riservata ai clienti business: canone scontato del 20% per il primo anno sottoscrivendo "
            "entro il {date}.",
        ),
        (
            "neutral",
            "questo mese nel blog: cinque consigli per organizzare l'archivio documentale e le scadenze "
            "fiscali di fine anno.",
        ),
        (
            "positive",
            "nuova apertura a {city}! Inaugurazione sabato con degustazione e sconti speciali per i primi "
            "100 clienti.",
        ),
        (
            "positive",
            "ultimi giorni per approfittare dei saldi invernali: prezzi imbattibili su tutto l'assortimento.",
        ),
        (
            "neutral",
            "hai ricevuto questa comunicazione perché sei iscritto al nostro programma fedeltà. I tuoi "
            "punti disponibili sono 1.250.",
        ),
        (
            "positive",
            "festeggia con noi 20 anni di attività: per tutto il mese un regalo a ogni ordine superiore a 50 euro.",
        ),
    ],
    "other": [
        (
            "neutral",
            "si comunica a tutto il personale che venerdì {date} gli uffici resteranno chiusi per la "
            "manutenzione dell'impianto elettrico.",
        ),
        (
            "positive",
            "grazie a tutti per la splendida festa di ieri, è stato bello ritrovarsi. Alla prossima!",
        ),
        (
            "neutral",
            "in allegato il verbale della riunione di reparto del {date}, con le azioni assegnate e le "
            "relative scadenze.",
        ),
        (
            "neutral",
            "la sig.ra {name} sarà in ferie dal {date} per due settimane; per urgenze rivolgersi all'ufficio "
            "amministrazione.",
        ),
        (
            "neutral",
            "ricordiamo che entro fine mese vanno consegnate le note spese con i giustificativi originali.",
        ),
        (
            "positive",
            "diamo il benvenuto a {name}, che da lunedì entra a far parte del team commerciale di {city}.",
        ),
        (
            "neutral",
            "il cedolino di {month} è disponibile nel portale del dipendente. La CU sarà pubblicata entro marzo.",
        ),
        (
            "neutral",
            "la sala riunioni al secondo piano è prenotata per la formazione sulla sicurezza il {date} "
            "dalle 9 alle 13.",
        ),
        (
            "negative",
            "con grande tristezza comunichiamo la scomparsa del collega {name}. I funerali si terranno "
            "giovedì a {city}.",
        ),
        (
            "neutral",
            "si allega il curriculum vitae per la posizione di impiegato amministrativo pubblicata sul "
            "vostro sito.",
        ),
        (
            "neutral",
            "aggiornamento del sistema informatico: sabato dalle 8 alle 12 la posta elettronica non sarà "
            "raggiungibile.",
        ),
        ("positive", "complimenti al reparto logistica per l'ottimo lavoro svolto durante l'inventario."),
        (
            "neutral",
            "promemoria: la visita medica periodica è fissata per il {date}; si prega di presentarsi a "
            "digiuno.",
        ),
        ("neutral", "il parcheggio aziendale sarà chiuso per lavori di asfaltatura martedì e mercoledì."),
        ("neutral", "trasmetto il calendario dei turni di {month} concordato con i responsabili di reparto."),
        (
            "negative",
            "purtroppo non potrò partecipare alla riunione di domani per un impegno improvviso; mi scuso "
            "per il disagio.",
        ),
        (
            "neutral",
            "messaggio automatico: sono fuori ufficio fino al {date} con accesso limitato alla posta.",
        ),
        ("positive", "auguri di buone feste a tutti voi e alle vostre famiglie da parte della direzione."),
    ],
}

SUBJECTS_IT: dict[str, list[str]] = {
    "complaint": [
        "Reclamo",
        "Reclamo formale ordine {num}",
        "Contestazione fattura {num}",
        "Disservizio",
        "Segnalazione disservizio",
        "Richiesta rimborso",
        "Diffida",
        "Lamentela",
    ],
    "information_request": [
        "Richiesta informazioni",
        "Informazioni",
        "Domanda",
        "Richiesta di chiarimenti",
        "Info prodotto",
        "Quesito",
    ],
    "invoice_payment": [
        "Fattura n. {num}",
        "Sollecito di pagamento",
        "Invio fattura",
        "Estratto conto",
        "Avviso di pagamento",
        "Nota di credito {num}",
        "Pagamento fattura {num}",
    ],
    "order_delivery": [
        "Conferma d'ordine {num}",
        "Spedizione {num}",
        "Ordine di acquisto {num}",
        "DDT {num}",
        "Consegna",
        "Il tuo ordine è in arrivo",
    ],
    "contract_legal": [
        "Contratto n. {num}",
        "Disdetta contratto",
        "Atto di citazione",
        "POSTA CERTIFICATA: notifica",
        "Costituzione in mora",
        "Accordo di riservatezza",
        "Rinnovo contratto",
    ],
    "newsletter_marketing": [
        "Newsletter di {month}",
        "Offerte imperdibili",
        "Solo per te",
        "Novità dal catalogo",
        "Invito al webinar",
        "Ultimi giorni di saldi",
    ],
    "other": [
        "Comunicazione al personale",
        "Promemoria",
        "Avviso",
        "Fuori ufficio",
        "Verbale riunione",
        "Turni",
    ],
}
