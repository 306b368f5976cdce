"""Stop words of the keyword half of a hybrid search, per language.

They are the lists the embedded backend's stemmed analyzers drop (tantivy's
``Filter.stopword``), which are Lucene's: Italian is the Snowball list (BSD-3-Clause,
Lucene's ``snowball/italian_stop.txt``), English is Lucene's classic English stop set
(Apache-2.0). Written out here so that planning a query needs no search engine:
a cluster deployment never loads tantivy. ``tests/index/test_stopwords.py`` checks
them against tantivy's filters.
"""

from __future__ import annotations

import re

__all__ = ["STOP_WORDS", "is_stop_word"]

_ITALIAN = """
    ad al allo ai agli all agl alla alle con col coi da dal dallo dai dagli dall dagl dalla dalle di del
    dello dei degli dell degl della delle in nel nello nei negli nell negl nella nelle su sul sullo sui
    sugli sull sugl sulla sulle per tra contro io tu lui lei noi voi loro mio mia miei mie tuo tua tuoi
    tue suo sua suoi sue nostro nostra nostri nostre vostro vostra vostri vostre mi ti ci vi lo la li le
    gli ne il un uno una ma ed se perché anche come dov dove che chi cui non più quale quanto quanti
    quanta quante quello quelli quella quelle questo questi questa queste si tutto tutti a c e i l o ho
    hai ha abbiamo avete hanno abbia abbiate abbiano avrò avrai avrà avremo avrete avranno avrei avresti
    avrebbe avremmo avreste avrebbero avevo avevi aveva avevamo avevate avevano ebbi avesti ebbe avemmo
    aveste ebbero avessi avesse avessimo avessero avendo avuto avuta avuti avute sono sei è siamo siete
    sia siate siano sarò sarai sarà saremo sarete saranno sarei saresti sarebbe saremmo sareste
    sarebbero ero eri era eravamo eravate erano fui fosti fu fummo foste furono fossi fosse fossimo
    fossero essendo faccio fai facciamo fanno faccia facciate facciano farò farai farà faremo farete
    faranno farei faresti farebbe faremmo fareste farebbero facevo facevi faceva facevamo facevate
    facevano feci facesti fece facemmo faceste fecero facessi facesse facessimo facessero facendo sto
    stai sta stiamo stanno stia stiate stiano starò starai starà staremo starete staranno starei
    staresti starebbe staremmo stareste starebbero stavo stavi stava stavamo stavate stavano stetti
    stesti stette stemmo steste stettero stessi stesse stessimo stessero stando
"""

_ENGLISH = """
    a an and are as at be but by for if in into is it no not of on or such that the their then there
    these they this to was will with
"""

STOP_WORDS: dict[str, frozenset[str]] = {
    "italian": frozenset(_ITALIAN.split()),
    "english": frozenset(_ENGLISH.split()),
}


_TOKEN = re.compile(r"[^\W_]+")  # tantivy's simple tokenizer: runs of letters and digits


def is_stop_word(text: str) -> bool:
    """True when some language's analyzer drops every token of `text` (case-insensitive)."""
    tokens = _TOKEN.findall(text.lower())
    return any(all(token in words for token in tokens) for words in STOP_WORDS.values())
