# ruff: noqa: E501
"""English bodies and subjects of the training set (written by the project; see nlp/data/training/README.md).

Each body is (sentiment, text); `{slots}` are filled by `bench/nlp_dataset.py`.
"""

from __future__ import annotations

__all__ = ["BODIES_EN", "SUBJECTS_EN"]

BODIES_EN: dict[str, list[tuple[str, str]]] = {
    "complaint": [
        (
            "neutral",
            "I am writing to lodge a formal complaint regarding invoice no. {num} dated {date}: the amount of "
            "{amount} was charged twice. Please reverse the duplicate charge within fourteen days.",
        ),
        (
            "negative",
            "this is the third time I have contacted you and nobody has replied. Your customer service is "
            "appalling and my line has been down for three weeks.",
        ),
        (
            "neutral",
            "the goods delivered on {date} under order {num} do not match the order: 12 of the 40 boxes are "
            "missing. Please ship the missing items or credit the difference.",
        ),
        (
            "negative",
            "I am extremely disappointed. The {product} I bought last month broke after a few days and your "
            "repair centre refuses to honour the warranty. I demand a full refund.",
        ),
        (
            "neutral",
            "with reference to contract no. {num}, the rate applied on the last two invoices is not the agreed "
            "one. We therefore dispute these amounts and request corrected invoices.",
        ),
        (
            "negative",
            "absolutely unacceptable! You activated a service I never asked for and now you want {amount}. I "
            "will not pay and I am reporting this to the consumer ombudsman.",
        ),
        (
            "neutral",
            "on behalf of my client {name}, I hereby give notice that you must cease the unauthorised "
            "direct debits and refund the amounts taken within 15 days, failing which we will take legal action.",
        ),
        (
            "negative",
            "the courier left the parcel open and damaged outside the gate in the rain. The goods are "
            "ruined. I expect an immediate replacement at your expense.",
        ),
        (
            "neutral",
            "your engineer, booked for {date} between 9 am and 1 pm, did not turn up and did not call. I "
            "request a new appointment and the compensation set out in your service charter.",
        ),
        (
            "negative",
            "terrible experience: 40 minutes on hold, a rude operator and the problem still not solved. "
            "This is not acceptable.",
        ),
        (
            "neutral",
            "we formally contest the early termination fee of {amount}: notice was given within the period "
            "set out in clause 8 of the general terms.",
        ),
        (
            "negative",
            "I received a payment reminder for an invoice I already paid on {date}, as the attached receipt "
            "shows. Being treated as a bad payer is outrageous. Withdraw the reminder.",
        ),
        (
            "neutral",
            "your delivery commitment has not been met: order {num}, confirmed for {date}, has still not "
            "arrived. If it is not delivered by Friday I will cancel the order and expect a refund.",
        ),
        (
            "negative",
            "I was shocked by the way I was treated at your {city} store: staff refused to take back a "
            "faulty item that is still under warranty.",
        ),
        (
            "neutral",
            "I request a refund of ticket no. {num}: the flight was cancelled without notice and no "
            "alternative was offered, contrary to Regulation (EC) 261/2004.",
        ),
        (
            "negative",
            "my bill has doubled over the last two months for no reason. I have called several times and "
            "got no explanation. I insist on a meter check and a corrected bill.",
        ),
        (
            "neutral",
            "please note that our internet connection has been down since {date} and the fault, logged as "
            "ticket {num}, is still open. We require urgent repair and a credit on our account.",
        ),
        (
            "negative",
            "the product does not work, the manual is wrong and nobody answers emails. I am fed up with "
            "being given the runaround.",
        ),
        ("neutral", "I am writing about order {num}, delivered on {date}. I look forward to your reply."),
        (
            "neutral",
            "further to yesterday's phone call about invoice {num}, please find the documents attached.",
        ),
        (
            "neutral",
            "as discussed, attached are photos of the goods received on {date} and the delivery note signed "
            "under reserve.",
        ),
        ("negative", "see subject. I expect an answer today."),
    ],
    "information_request": [
        (
            "neutral",
            "could you let me know whether the delivery address of order {num} can still be changed? It has "
            "not shipped yet. Thank you.",
        ),
        (
            "neutral",
            "could you please send me your updated {year} price list and your terms for orders above 500 "
            "units?",
        ),
        (
            "positive",
            "we are interested in your maintenance services. Could you tell us the costs and response times "
            "for the {city} area? Many thanks.",
        ),
        (
            "neutral",
            "I would like to know the opening hours of your {city} branch and whether an appointment is "
            "needed.",
        ),
        (
            "neutral",
            "I am enquiring about paying for the {product} in instalments. Which documents would you need?",
        ),
        (
            "neutral",
            "ahead of our annual audit, could you tell us which certifications your company holds (ISO 9001, "
            "ISO 14001) and send copies of the current certificates?",
        ),
        (
            "positive",
            "hello, I saw your offer on the website and wondered whether it also applies to business "
            "customers. Thanks in advance for your reply.",
        ),
        ("neutral", "how can I obtain a replacement card, and is there a fee for it?"),
        (
            "neutral",
            "to complete our supplier records, please send us your bank details and the name of your "
            "accounts contact.",
        ),
        (
            "neutral",
            "I need to know whether the {product} is compatible with the previous model and whether an "
            "adapter kit exists.",
        ),
        (
            "neutral",
            "could you tell me the status of my application no. {num}? I submitted it on {date} and have had "
            "no news since.",
        ),
        (
            "positive",
            "we are a charity based in {city} and would love to arrange a guided visit to your plant. Would "
            "that be possible, and how much notice do you need?",
        ),
        ("neutral", "what is the procedure for receiving electronic invoices at our new address?"),
        ("neutral", "are there any training sessions planned for the new software, and on which dates?"),
        (
            "neutral",
            "please send me a copy of your general terms and conditions and tell me which courts have "
            "jurisdiction in case of dispute.",
        ),
        (
            "positive",
            "thank you for yesterday's presentation, it was very interesting. Could you send us the slides "
            "and a rough quote for 20 seats?",
        ),
        (
            "neutral",
            "is it possible to collect the goods directly from your {city} warehouse? At what times?",
        ),
        ("neutral", "does the warranty also cover power surge damage, and how do I open a support request?"),
    ],
    "invoice_payment": [
        (
            "neutral",
            "please find attached invoice no. {num} dated {date} for {amount}, covering this month's "
            "supplies. Payment terms: bank transfer within 30 days of invoice date.",
        ),
        (
            "neutral",
            "our records show that invoice no. {num}, due on {date}, for {amount} is still outstanding. "
            "Please arrange payment or send us the remittance advice.",
        ),
        (
            "neutral",
            "we confirm that payment of invoice {num} was released today with value date {date}. Kind "
            "regards, Accounts Payable.",
        ),
        (
            "neutral",
            "attached is credit note no. {num}, partially cancelling the invoice of {date}, for {amount}.",
        ),
        (
            "neutral",
            "statement of account as at {date}: the balance due from you is {amount}. Please check the open "
            "items and let us know of any differences.",
        ),
        (
            "neutral",
            "payment reminder: despite our previous notice, invoice no. {num} remains unpaid. Unless payment "
            "is received within 10 days, late payment interest will be charged.",
        ),
        (
            "neutral",
            "please note our new bank details for payments from {date} onwards and update your supplier "
            "records accordingly.",
        ),
        (
            "neutral",
            "due date notice: instalment 3 of the agreed repayment plan, {amount}, falls due on {date}.",
        ),
        (
            "positive",
            "we confirm receipt of your transfer of {amount} settling invoice {num}. Thank you for your "
            "prompt payment.",
        ),
        (
            "neutral",
            "e-invoice no. {num} was submitted to the tax portal on {date}. A courtesy copy is attached.",
        ),
        (
            "neutral",
            "please issue an invoice for the 30% advance payment as per the accepted quote, quoting purchase "
            "order {num}.",
        ),
        (
            "neutral",
            "payment receipt: we have charged {amount} to your card ending 4421 for your annual subscription "
            "renewal.",
        ),
        ("neutral", "your direct debit of {amount} for invoice {num} will be collected on {date}."),
        (
            "neutral",
            "attached is the commission statement for the quarter; please issue the related invoice by the "
            "end of the month.",
        ),
        (
            "neutral",
            "we cannot process your invoice no. {num} because the purchase order number is missing. Please "
            "issue a credit note and a corrected invoice.",
        ),
        (
            "neutral",
            "please find the remittance advice for the payments made on {date}, listing the invoices settled "
            "and the withholding tax applied.",
        ),
        (
            "neutral",
            "from next month billing will move from monthly to quarterly in arrears; payment terms remain "
            "unchanged.",
        ),
        (
            "neutral",
            "urgent transfer request: attached is proforma invoice {num} for the project down payment of "
            "{amount}.",
        ),
    ],
    "order_delivery": [
        (
            "neutral",
            "we confirm your order no. {num} of {date}. The goods will be ready for dispatch within five "
            "working days.",
        ),
        (
            "neutral",
            "your parcel has been handed to the carrier and is in transit. Tracking number: {num}. Expected "
            "delivery: {date}.",
        ),
        (
            "neutral",
            "please find delivery note no. {num} for the shipment of {date}: 18 packages, gross weight 420 kg.",
        ),
        ("positive", "good news! Your order {num} has been delivered. Thank you for shopping with us."),
        (
            "neutral",
            "tomorrow's delivery will be delayed by two days because of the transport strike. We will let "
            "you know the new date.",
        ),
        (
            "neutral",
            "please supply 200 packs of {product} as per your quote of {date}, delivered to our {city} "
            "warehouse, carriage paid.",
        ),
        (
            "neutral",
            "we missed you: the courier could not deliver shipment {num} because nobody was home. You can "
            "arrange a new delivery within 7 days.",
        ),
        (
            "neutral",
            "collection confirmed: the courier will pick up authorised return {num} on {date} between 2 and "
            "6 pm.",
        ),
        (
            "neutral",
            "could you bring forward the delivery of order {num} to {date} if possible? Our production "
            "schedule requires it.",
        ),
        (
            "neutral",
            "the items ordered are in stock; the remaining lines will follow in a second shipment by the end "
            "of the month.",
        ),
        (
            "neutral",
            "purchase order no. {num}: 50 pcs item A-118, 20 pcs item B-220, prices as per the {year} price "
            "list, payment 60 days end of month.",
        ),
        (
            "positive",
            "we received the goods in perfect condition, thank you. Please go ahead with the second order "
            "on the same terms.",
        ),
        ("neutral", "shipment {num} is out for delivery today. The driver will call you before arriving."),
        (
            "neutral",
            "item {product} is temporarily out of stock; the order line will be fulfilled as soon as it is "
            "available, probably by {date}.",
        ),
        (
            "neutral",
            "please confirm the loading bay for the unloading on {date} at 8:30 am and who will sign the "
            "delivery note.",
        ),
        (
            "neutral",
            "order change: please increase line 3 from 100 to 150 units, keeping the same delivery date.",
        ),
        ("neutral", "online order {num} has been received and will be packed at our {city} warehouse."),
        (
            "neutral",
            "delivery schedule for the month: three deliveries a week on Tuesdays, with 48 hours' notice of "
            "any change.",
        ),
    ],
    "contract_legal": [
        (
            "neutral",
            "please find attached supply agreement no. {num}, digitally signed. Kindly return a countersigned "
            "copy by {date}.",
        ),
        (
            "neutral",
            "we hereby give notice of termination of the lease of the {city} premises with effect from its "
            "natural expiry on {date}, pursuant to clause 4.",
        ),
        (
            "neutral",
            "attached is the draft non-disclosure agreement for review by your legal department before the "
            "meeting on {date}.",
        ),
        (
            "neutral",
            "we serve you with a claim form; the hearing is listed for {date} before the {city} court, claim "
            "no. {num}.",
        ),
        (
            "neutral",
            "this letter constitutes formal notice of default: failing performance within 15 days, the "
            "agreement will be terminated.",
        ),
        (
            "neutral",
            "attached is the amendment to the framework agreement setting out the new pricing, effective "
            "{date}. All other clauses remain unchanged.",
        ),
        (
            "neutral",
            "privacy notice under Article 13 of Regulation (EU) 2016/679: the personal data you provide will "
            "be processed to perform the contract.",
        ),
        (
            "neutral",
            "the maintenance contract renews automatically for a further year unless notice is given 90 days "
            "before expiry.",
        ),
        ("neutral", "please find the settlement agreement signed by both parties on {date}."),
        (
            "neutral",
            "regarding tender reference {num}, we submit the administrative documents and the bid bond.",
        ),
        (
            "neutral",
            "the notary {name} has scheduled the signing of the business transfer deed for {date} at 11 am. "
            "Please confirm that the legal representatives will attend.",
        ),
        (
            "neutral",
            "attached is the power of attorney appointing {name} to represent the company in proceedings "
            "no. {num}.",
        ),
        (
            "neutral",
            "re: withdrawal from the contract. Under clause 12 we exercise our right to withdraw with six "
            "months' notice.",
        ),
        (
            "neutral",
            'certified delivery receipt: the message "Service of injunction no. {num}" was delivered to the '
            "recipient's mailbox.",
        ),
        (
            "neutral",
            "we inform you of the appointment of a new data processor; attached is the Article 28 GDPR "
            "agreement for signature.",
        ),
        (
            "neutral",
            "the loan-for-use agreement for the {city} warehouse is attached in duplicate. Please return one "
            "signed copy.",
        ),
        (
            "neutral",
            "the shareholders' meeting resolved to amend the articles of association; the minutes have been "
            "filed with the companies register.",
        ),
        (
            "neutral",
            "please find the legal opinion you requested on the non-compete clause of the agency agreement.",
        ),
    ],
    "newsletter_marketing": [
        (
            "positive",
            "discover our spring deals: up to 40% off the whole collection, this weekend only! Click here to "
            "shop.",
        ),
        ("positive", "meet the new {product}: lighter, faster, better value. Book your free trial now."),
        (
            "positive",
            "the {month} newsletter: what's new in the catalogue, an interview with our chef and a discount "
            "code for subscribers.",
        ),
        (
            "positive",
            "a 10 euro voucher just for you on your next purchase. Use code WELCOME within 30 days.",
        ),
        (
            "neutral",
            "remember that you can manage your preferences or unsubscribe from this newsletter at any time "
            "using the link at the bottom of this email.",
        ),
        (
            "positive",
            'you are invited to our free webinar "Digitising the back office" on {date} at 5 pm. Sign up '
            "now, places are limited!",
        ),
        ("positive", "early Black Friday: free shipping and up to 50% off all weekend."),
        (
            "positive",
            "thanks for being part of our community! Here are this month's most read stories and upcoming "
            "events in {city}.",
        ),
        ("positive", "enter our prize draw and win a weekend for two. Full terms on our website."),
        ("neutral", "product update: from {month} the catalogue adds 30 new items. Download the PDF."),
        (
            "positive",
            "visit us at stand C14 at the {city} trade fair for a live demo and a free gift for every visitor.",
        ),
        ("positive", "your basket is waiting! Complete your order within 24 hours and get 10% off."),
        (
            "positive",
            "exclusive offer for business customers: 20% off the first year's fee when you sign up by {date}.",
        ),
        (
            "neutral",
            "this month on the blog: five tips for organising your document archive and year-end tax deadlines.",
        ),
        (
            "positive",
            "we are opening in {city}! Join us on Saturday for tastings and special discounts for the first "
            "100 customers.",
        ),
        ("positive", "last days of the winter sale: unbeatable prices across the range."),
        (
            "neutral",
            "you are receiving this email because you joined our loyalty programme. Your points balance is 1,250.",
        ),
        ("positive", "celebrate 20 years with us: a gift with every order over 50 euros all month long."),
    ],
    "other": [
        (
            "neutral",
            "all staff please note that the offices will be closed on Friday {date} for maintenance of the "
            "electrical system.",
        ),
        (
            "positive",
            "thanks everyone for the wonderful party yesterday, it was great to get together. See you next "
            "time!",
        ),
        (
            "neutral",
            "attached are the minutes of the department meeting of {date}, with the actions assigned and "
            "their deadlines.",
        ),
        (
            "neutral",
            "{name} will be on leave from {date} for two weeks; for urgent matters please contact the "
            "accounts office.",
        ),
        ("neutral", "a reminder that expense claims with original receipts are due by the end of the month."),
        ("positive", "please welcome {name}, who joins the {city} sales team on Monday."),
        ("neutral", "your {month} payslip is available on the employee portal."),
        (
            "neutral",
            "the second-floor meeting room is booked for safety training on {date} from 9 am to 1 pm.",
        ),
        (
            "negative",
            "it is with great sadness that we announce the death of our colleague {name}. The funeral will "
            "be held on Thursday in {city}.",
        ),
        (
            "neutral",
            "please find attached my CV for the accounts assistant position advertised on your website.",
        ),
        ("neutral", "system update: on Saturday from 8 am to noon email will be unavailable."),
        ("positive", "well done to the logistics team for the excellent work during the stocktake."),
        ("neutral", "reminder: your periodic medical check is scheduled for {date}; please come fasting."),
        ("neutral", "the company car park will be closed for resurfacing on Tuesday and Wednesday."),
        ("neutral", "attached is the {month} shift rota agreed with the team leaders."),
        (
            "negative",
            "unfortunately I will not be able to attend tomorrow's meeting because of an unexpected "
            "commitment; sorry for the inconvenience.",
        ),
        ("neutral", "automatic reply: I am out of the office until {date} with limited access to email."),
        ("positive", "season's greetings to you and your families from the management."),
    ],
}

SUBJECTS_EN: dict[str, list[str]] = {
    "complaint": [
        "Complaint",
        "Formal complaint - order {num}",
        "Disputed invoice {num}",
        "Service failure",
        "Refund request",
        "Notice before action",
        "Very unhappy",
    ],
    "information_request": [
        "Enquiry",
        "Information request",
        "Question",
        "Quick question",
        "Product information",
    ],
    "invoice_payment": [
        "Invoice {num}",
        "Payment reminder",
        "Statement of account",
        "Remittance advice",
        "Credit note {num}",
        "Payment confirmation",
    ],
    "order_delivery": [
        "Order confirmation {num}",
        "Your order has shipped",
        "Purchase order {num}",
        "Delivery note {num}",
        "Delivery update",
    ],
    "contract_legal": [
        "Agreement {num}",
        "Notice of termination",
        "Claim form",
        "Notice of default",
        "NDA draft",
        "Contract renewal",
    ],
    "newsletter_marketing": [
        "Our {month} newsletter",
        "Deals you'll love",
        "Just for you",
        "New in the catalogue",
        "Webinar invitation",
        "Last days of the sale",
    ],
    "other": ["Staff notice", "Reminder", "Notice", "Out of office", "Meeting minutes", "Rota"],
}
