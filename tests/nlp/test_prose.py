"""What NER reads (`nlp.prose`): code, markup and rules blanked; prose and its names kept."""

from __future__ import annotations

import json
from pathlib import Path

from nlp import annotate
from nlp.entities import entities_from_doc, load_english_ner
from nlp.prose import for_ner, nameless_spans

PATCH = """Loongson-2 products can share the kernel with loongson-3.

Signed-off-by: Jiaxun Yang <jiaxun.yang@flygoat.com>
---
 arch/mips/Kconfig | 36 +++++++++----------
diff --git a/arch/mips/Kconfig b/arch/mips/Kconfig
index de96507ee2c1..de98191e4c7d 100644
--- a/arch/mips/Kconfig
+++ b/arch/mips/Kconfig
@@ -1908,14 +1908,14 @@ static inline void cpu_probe(struct cpuinfo_mips *c)
-\t\tc->cputype = CPU_LOONGSON3;
+\t\tc->cputype = CPU_LOONGSON64;
 \t\t__cpu_name[cpu] = "ICT Loongson-3";
--
2.23.0
"""


def _blanked(text: str) -> str:
    return "".join(text[start:end] for start, end in nameless_spans(text))


def test_same_length_and_every_kept_character_in_its_place() -> None:
    read = for_ner(PATCH)
    assert len(read) == len(PATCH)
    assert all(a == b for a, b in zip(read, PATCH, strict=True) if not a.isspace())


def test_a_patch_keeps_its_message_and_loses_its_hunks() -> None:
    read = for_ner(PATCH)
    assert "Loongson-2 products can share the kernel" in read
    assert "Jiaxun Yang <jiaxun.yang@flygoat.com>" in read  # an address in brackets is no tag
    for code in ("CPU_LOONGSON64", "cpu_probe", "__cpu_name", "de96507ee2c1", "36 +++"):
        assert code not in read


def test_configuration_markup_and_long_runs_are_blanked() -> None:
    text = (
        "CONFIG_NET_VENDOR_AMD=y\n# CONFIG_HOSTAP is not set\n"
        '<font face="Arial, Helvetica">Dear Anna Bianchi,</font>&nbsp;thanks\n'
        "#include <linux/io.h>\n"
        "key: QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5eg==\n"
        "________________________________________\n"
    )
    read = for_ner(text)
    gone = ("CONFIG_NET_VENDOR_AMD", "CONFIG_HOSTAP", "Arial", "font", "nbsp", "linux/io.h", "QUJD", "___")
    assert not [word for word in gone if word in read]
    assert "Dear Anna Bianchi," in read and "thanks" in read and "key:" in read


def test_business_lines_are_prose() -> None:
    """Invoices, addresses and signatures have digits and punctuation, and names."""
    lines = [
        "Rossi S.r.l. - P.IVA 01234567890 - Via Roma 12, 20121 Milano (MI)",
        "Tel. 02 1234567 - Fax 02 7654321 - amministrazione@rossi.it",
        "Fattura n. 2024/118 del 15/03/2024, totale EUR 1.250,00 (IVA 22% inclusa)",
        "Invoice #4471 — Amount due: $3,120.50 by 30 April 2024 (Acme Corp., Boston, MA)",
        "Mario Rossi <mario.rossi@example.it>",
        "Cordiali saluti, dott.ssa Giulia Verdi",
        "a) il Sig. Mario Rossi, nato a Roma (RM) il 01/01/1970, C.F. RSSMRA70A01H501U;",
        "b) la società Acme S.p.A. (di seguito «il Fornitore»), in persona del legale rappresentante;",
        "| Anna Bianchi | Ufficio acquisti | 3 |",
    ]
    assert nameless_spans("\n".join(lines)) == []


def test_names_in_real_prose_survive_and_real_mail_is_thinned(corpus: Path) -> None:
    """On the real English texts of nlp-corpus (complaints, list mail, classifieds): the names
    NER finds outside the blanked stretches are still found (context may move a few), and some
    of that mail has code or markup to blank."""
    lines = (corpus.parent / "nlp-corpus" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    texts = [row["text"] for row in rows if row["lang"] == "en"][:300]
    nlp = load_english_ner()
    whole = [entities_from_doc(doc) for doc in nlp.pipe(texts)]
    read = list(annotate._model_entities(nlp, texts))
    in_prose = found = 0
    for text, before, after in zip(texts, whole, read, strict=True):
        spans = nameless_spans(text)
        kept = {(e.start, e.end, e.label) for e in after}
        for entity in before:
            if not any(start <= entity.start and entity.end <= end for start, end in spans):
                in_prose += 1
                found += (entity.start, entity.end, entity.label) in kept
    assert in_prose > 1000
    assert found / in_prose >= 0.97
    blanked = sum(len(_blanked(text)) for text in texts)
    assert 0 < blanked < 0.2 * sum(map(len, texts))


def test_source_code_outside_a_patch_is_blanked() -> None:
    code = [
        "\tc->cputype = CPU_LOONGSON64;",
        '\tpr_warn("%s called with %d args\\n", name, n);',
        "\tif (!mm) {",
        "};",
        "#include <linux/io.h>",
    ]
    assert for_ner("\n".join(code)).strip() == ""
