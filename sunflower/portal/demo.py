"""Demo content of the portal for the embedded default: the New User Agreement (signed by
the demo logins, so they sign in straight away) and a few resource-center pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

AGREEMENT_VERSION = "2026-1"
AGREEMENT_TEXT = """As a user of the Kansas HMIS I agree to:

1. keep my password private and never share my account;
2. view, enter and share client information only as my role and the client's consent allow,
   and only for the services I provide;
3. enter accurate, timely data as the HMIS Policies and Procedures require;
4. keep printed or downloaded client information secure, and destroy it when no longer needed;
5. report any suspected breach of confidentiality to my agency administrator and the HMIS team
   at once.

I understand that every view and change of client information is recorded, and that breaking
this agreement ends my access and may have legal consequences.
"""

PAGES = [
    (
        "getting-started",
        "guide",
        "Getting started in HMIS",
        "Primeros pasos en HMIS",
        "## Before you enter data\n\n* **Search first**: look the client up by name, birth date "
        "and the last four digits of the SSN before creating a record.\n* Record consent to "
        "share (the Release of Information) at intake.\n* Enter project start the day the "
        "client starts, and the exit the day they leave.\n",
        "## Antes de registrar datos\n\n* **Busque primero**: busque al cliente por nombre, "
        "fecha de nacimiento y los últimos cuatro dígitos del SSN antes de crear un registro.\n"
        "* Registre el consentimiento para compartir (la autorización de divulgación) en la "
        "admisión.\n* Registre el inicio en el proyecto el día en que el cliente comienza, y la "
        "salida el día en que se va.\n",
    ),
    (
        "policies-and-procedures",
        "policy",
        "HMIS Policies and Procedures (summary)",
        "Políticas y procedimientos de HMIS (resumen)",
        "The KS-505 CoC Board and the HMIS Oversight Committee review the HMIS policies every "
        "year. They cover **privacy and security**, **data quality** (complete, accurate and "
        "timely data) and **participation** of HUD-funded and non-HUD-funded agencies.\n",
        "La Junta del CoC KS-505 y el Comité de Supervisión de HMIS revisan las políticas de HMIS "
        "cada año. Cubren **privacidad y seguridad**, **calidad de los datos** (datos completos, "
        "exactos y oportunos) y la **participación** de agencias con y sin fondos de HUD.\n",
    ),
    (
        "faq",
        "faq",
        "Frequently asked questions",
        "Preguntas frecuentes",
        "### How long does a data request take?\n\nPlease allow 90 to 120 days or more: KHRC and "
        "the HMIS Oversight Committee approve each request.\n\n### I forgot my password\n\nUse "
        "*Forgot your password?* on the sign-in page.\n",
        "### ¿Cuánto tarda una solicitud de datos?\n\nCalcule de 90 a 120 días o más: KHRC y el "
        "Comité de Supervisión de HMIS aprueban cada solicitud.\n\n### Olvidé mi contraseña\n\n"
        "Use *¿Olvidó su contraseña?* en la página de inicio de sesión.\n",
    ),
]


@dataclass
class PortalDemo:
    pages: int
    signatures: int

    def line(self) -> str:
        return (
            f"Portal: New User Agreement {AGREEMENT_VERSION}, {self.pages} resource pages, "
            f"{self.signatures} demo signatures."
        )


def load_portal_demo(users) -> PortalDemo:
    from .models import AgreementSignature, ResourcePage, UserAgreement

    if settings.PRODUCTION:
        raise ImproperlyConfigured("Demo content is never loaded in production.")
    agreement, _ = UserAgreement.objects.get_or_create(
        version=AGREEMENT_VERSION,
        defaults={
            "body": AGREEMENT_TEXT,
            "effective_on": timezone.localdate().replace(month=1, day=1),
        },
    )
    for order, (slug, kind, title_en, title_es, body_en, body_es) in enumerate(PAGES):
        ResourcePage.objects.get_or_create(
            slug=slug,
            defaults={
                "kind": kind,
                "title_en": title_en,
                "title_es": title_es,
                "body_en": body_en,
                "body_es": body_es,
                "order": order,
            },
        )
    signed = 0
    for user in users:
        _, created = AgreementSignature.objects.get_or_create(
            user=user, agreement=agreement, defaults={"typed_name": user.get_full_name()}
        )
        signed += created
    return PortalDemo(pages=ResourcePage.objects.count(), signatures=signed)
