"""Signed files: CAdES ``.p7m`` (the signed document inside) and detached ``.p7s``.

The signed content becomes a child (position ``signed-content``, the file name
without ``.p7m``), so the real document (usually a FatturaPA invoice) is ingested
as itself; a p7m inside a p7m unwraps through the same child recursion. The
signer's data and the verification result are in ``metadata["signature"]`` (see
`ingest.italian.cades.SignedFile.to_metadata`). A signature that does not verify
is indexed with a warning; an envelope that cannot be parsed at all is corrupt.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import ClassVar

from core.document import Page
from ingest.extractors.base import Child, Extraction, Extractor, Source
from ingest.italian.cades import SignedFile, unwrap

__all__ = ["SignedFileExtractor"]


class SignedFileExtractor(Extractor):
    """Unwrap the signed content and record who signed it and whether the signature verifies."""

    MIME_TYPES: ClassVar[tuple[str, ...]] = ("application/pkcs7-mime", "application/pkcs7-signature")
    EXTENSIONS: ClassVar[tuple[str, ...]] = (".p7m", ".p7s")
    SCORE: ClassVar[int] = 10

    def extract(self, source: Source) -> Extraction:
        signed = unwrap(source.read_bytes())
        inner_name = _inner_name(source.filename)
        result = Extraction(
            pages=[Page(1, _render(signed, inner_name))],
            title=f"{inner_name} (firmato digitalmente)",
            metadata={"signature": signed.to_metadata()},
        )
        for number, signer in enumerate(signed.signers, start=1):
            if not signer.verified:
                who = signer.common_name or f"signer {number}"
                result.warnings.append(f"signature does not verify ({who}): {signer.error}")
        if not signed.signers:
            result.warnings.append("the signed file has no signer")
        if signed.content is None:
            result.warnings.append("detached signature (.p7s): the signed file is not inside")
        elif signed.content:
            result.children.append(Child(inner_name, signed.content, "signed-content"))
        else:
            result.warnings.append("the signed content is empty")
        return result


def _inner_name(filename: str) -> str:
    path = PurePath(filename)
    if path.suffix.lower() in (".p7m", ".p7s") and path.stem:
        return path.stem
    return f"{filename or 'documento'}.bin"


def _render(signed: SignedFile, inner_name: str) -> str:
    lines = [f"Documento firmato digitalmente: {inner_name}"]
    for signer in signed.signers:
        outcome = "la firma corrisponde al contenuto"
        if not signer.verified:
            outcome = f"firma NON verificata ({signer.error})"
        lines += [
            f"Firmatario: {signer.common_name or '-'}"
            + (f" (C.F. {signer.codice_fiscale})" if signer.codice_fiscale else ""),
            f"  Certificato emesso da: {signer.issuer or '-'}; numero di serie {signer.serial_number or '-'}",
            f"  Data della firma: {signer.signing_time or '-'}; algoritmo {signer.digest_algorithm}",
            f"  Esito: {outcome}",
        ]
    lines.append("Verifica solo crittografica: catena, revoca ed elenchi di fiducia non verificati.")
    return "\n".join(lines)
