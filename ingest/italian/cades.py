"""CAdES / PKCS#7 signed files (``.p7m`` enveloping, ``.p7s`` detached) as plain data.

`unwrap` parses the CMS SignedData (DER, BER indefinite length, base64 with or
without a PEM header), returns the signed content and a `SignatureReport` per
signer. The check is cryptographic only: the signer's public key must verify the
signature over the signed attributes, and the ``messageDigest`` attribute must
equal the digest of the content. No certificate chain, revocation (CRL/OCSP) or
trusted-list check is possible offline, so the report says ``trust_checked: False``
and never claims legal validity.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from asn1crypto import cms, x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import load_der_x509_certificate

from ingest.errors import CorruptDocument

__all__ = ["TRUST_NOTE", "SignatureReport", "SignedFile", "unwrap"]

TRUST_NOTE = (
    "cryptographic check only: the certificate chain, revocation and the EU trusted lists "
    "were not checked, so this says nothing about legal validity"
)
_PEM = re.compile(rb"-----(BEGIN|END) [A-Z0-9 ]+-----")
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


@dataclass
class SignatureReport:
    """One signer: who, issued by whom, when, how, and whether the signature verifies."""

    common_name: str = ""
    subject: str = ""
    codice_fiscale: str = ""
    organization: str = ""
    issuer: str = ""
    serial_number: str = ""  # of the certificate, hex
    not_before: str = ""
    not_after: str = ""
    signing_time: str = ""
    digest_algorithm: str = ""
    signature_algorithm: str = ""
    verified: bool = False
    error: str = ""


@dataclass
class SignedFile:
    """What `unwrap` found: the content (None when detached) and one report per signer."""

    content: bytes | None
    encoding: str  # DER or base64
    signers: list[SignatureReport] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return bool(self.signers) and all(s.verified for s in self.signers)

    def to_metadata(self) -> dict[str, Any]:
        """JSON-ready dict stored as ``metadata["signature"]``."""
        first = self.signers[0] if self.signers else SignatureReport()
        return {
            "format": "CAdES/PKCS#7",
            "encoding": self.encoding,
            "detached": self.content is None,
            "signer": first.common_name,
            "codice_fiscale": first.codice_fiscale,
            "issuer": first.issuer,
            "signing_time": first.signing_time,
            "verified": self.verified,
            "trust_checked": False,
            "note": TRUST_NOTE,
            "signers": [asdict(s) for s in self.signers],
        }


def _der(data: bytes) -> tuple[bytes, str]:
    if data[:1] == b"\x30":
        return data, "DER"
    text = _PEM.sub(b"", data)
    try:
        return base64.b64decode(b"".join(text.split()), validate=True), "base64"
    except (binascii.Error, ValueError) as err:
        raise CorruptDocument("the signed file is neither DER nor base64") from err


def unwrap(data: bytes, detached_content: bytes | None = None) -> SignedFile:
    """Parse a signed file and verify every signer against its content."""
    der, encoding = _der(data)
    try:
        info = cms.ContentInfo.load(der)
        if info["content_type"].native != "signed_data":
            raise CorruptDocument(f"the CMS content is {info['content_type'].native}, not signed data")
        signed = info["content"]
        content = signed["encap_content_info"]["content"].native
        certificates = [c.chosen for c in signed["certificates"] or [] if c.name == "certificate"]
        signer_infos = list(signed["signer_infos"])
    except CorruptDocument:
        raise
    except Exception as err:  # asn1crypto parses lazily and raises ValueError/TypeError/KeyError
        raise CorruptDocument(f"the signature envelope is damaged and cannot be unwrapped: {err}") from err
    if content is not None and not isinstance(content, bytes):
        raise CorruptDocument("the signed content is not an octet string")
    result = SignedFile(content=content, encoding=encoding)
    payload = content if content is not None else detached_content
    for signer in signer_infos:
        result.signers.append(_report(signer, certificates, payload))
    return result


def _name(name: x509.Name) -> str:
    return str(name.human_friendly)


def _codice_fiscale(subject: dict[str, Any]) -> str:
    serial = str(subject.get("serial_number") or "")
    for prefix in ("TINIT-", "IT:", "TIN:IT-"):
        if serial.upper().startswith(prefix):
            return serial[len(prefix) :].upper()
    shaped = re.fullmatch(r"[A-Za-z]{6}\d{2}[A-Za-z]\d{2}[A-Za-z]\d{3}[A-Za-z]", serial)
    return serial.upper() if shaped else ""


def _find_certificate(
    signer: cms.SignerInfo, certificates: list[x509.Certificate]
) -> x509.Certificate | None:
    sid = signer["sid"]
    for cert in certificates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if cert.serial_number == wanted["serial_number"].native and cert.issuer == wanted["issuer"]:
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return certificates[0] if len(certificates) == 1 else None


def _report(
    signer: cms.SignerInfo, certificates: list[x509.Certificate], payload: bytes | None
) -> SignatureReport:
    digest_name = str(signer["digest_algorithm"]["algorithm"].native)
    report = SignatureReport(
        digest_algorithm=digest_name,
        signature_algorithm=str(signer["signature_algorithm"]["algorithm"].native),
    )
    cert = _find_certificate(signer, certificates)
    if cert is not None:
        subject = cert.subject.native
        report.common_name = str(subject.get("common_name", ""))
        report.subject = _name(cert.subject)
        report.codice_fiscale = _codice_fiscale(subject)
        report.organization = str(subject.get("organization_name", ""))
        report.issuer = _name(cert.issuer)
        report.serial_number = format(cert.serial_number, "x")
        validity = cert["tbs_certificate"]["validity"]
        report.not_before = validity["not_before"].native.isoformat()
        report.not_after = validity["not_after"].native.isoformat()
    attrs = signer["signed_attrs"]
    digest: bytes | None = None
    for attr in attrs or []:
        kind = attr["type"].native
        if kind == "signing_time":
            report.signing_time = attr["values"][0].native.isoformat()
        elif kind == "message_digest":
            digest = attr["values"][0].native
    try:
        _verify(signer, cert, payload, digest, digest_name)
        report.verified = True
    except _NotVerified as err:
        report.error = str(err)
    return report


class _NotVerified(Exception):
    pass


def _verify(
    signer: cms.SignerInfo,
    cert: x509.Certificate | None,
    payload: bytes | None,
    digest: bytes | None,
    digest_name: str,
) -> None:
    if cert is None:
        raise _NotVerified("the signer's certificate is not in the file")
    if payload is None:
        raise _NotVerified("detached signature: the signed content is not available")
    algorithm = _HASHES.get(digest_name)
    if algorithm is None:
        raise _NotVerified(f"unsupported digest algorithm {digest_name}")
    actual = hashlib.new(digest_name, payload).digest()
    attrs = signer["signed_attrs"]
    if attrs is not None and len(attrs):
        if digest != actual:
            raise _NotVerified("the content does not match its signed digest")
        # The signature covers the attributes encoded as a SET OF, not with their [0] tag.
        signed_bytes = b"\x31" + attrs.dump()[1:]
    else:
        signed_bytes = payload
    signature = signer["signature"].native
    try:
        key = load_der_x509_certificate(cert.dump()).public_key()
        sig_algo = signer["signature_algorithm"]
        if isinstance(key, rsa.RSAPublicKey):
            if sig_algo.signature_algo == "rsassa_pss":
                params = sig_algo["parameters"]
                pss_hash = _HASHES.get(str(params["hash_algorithm"]["algorithm"].native), algorithm)
                salt = int(params["salt_length"].native)
                key.verify(signature, signed_bytes, padding.PSS(padding.MGF1(pss_hash()), salt), pss_hash())
            else:
                key.verify(signature, signed_bytes, padding.PKCS1v15(), algorithm())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, signed_bytes, ec.ECDSA(algorithm()))
        else:
            raise _NotVerified(f"unsupported public key type {type(key).__name__}")
    except InvalidSignature as err:
        raise _NotVerified("the signature does not match the signer's public key") from err
    except (UnsupportedAlgorithm, ValueError, TypeError) as err:
        raise _NotVerified(f"the signature cannot be checked: {err}") from err
