"""The reporting contract (shared/report-format.md, version 1) as data.

This is the one place that maps machine keys to the Swedish (and English) labels people see:
enum values, the report's fields with their XLSX labels, and the grant register's columns. The
readers, the validator, the XLSX template, the demo generator and the dashboard all read it from
here, so a label is never spelled twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SCHEMA_VERSION = "1"
FIRST_REPORTING_YEAR = 2010
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Label:
    sv: str
    en: str


# --- enums -----------------------------------------------------------------------------------
# Labels are kept free of ',' and ';' because list cells in the XLSX template use them as
# separators.

FOCUS_AREAS: dict[str, Label] = {
    "urban_planning": Label("Plan- och byggåtgärder", "Urban planning and design"),
    "technical_protection": Label("Tekniska skyddsåtgärder", "Technical protection"),
    "property_marking": Label(
        "Stöldmärkning och registrering av egendom", "Property marking and registration"
    ),
    "information_campaign": Label("Informationskampanjer", "Information campaigns"),
    "victim_support": Label("Brottsofferstöd", "Victim support"),
    "school": Label("Skolåtgärder", "School measures"),
    "parent_support": Label("Föräldrastöd", "Parent support"),
    "exit_programme": Label("Avhopparverksamhet", "Exit programmes"),
    "lifestyle_crime": Label("Åtgärder mot livsstilskriminalitet", "Lifestyle crime"),
    "public_space_safety": Label("Trygghet i offentlig miljö", "Safety in public space"),
    "youth_crime": Label("Ungdomsbrottslighet", "Youth crime"),
    "drugs": Label("Narkotika", "Drugs"),
    "domestic_violence": Label("Våld i nära relationer", "Domestic violence"),
    "it_crime": Label("It-relaterad brottslighet", "IT-related crime"),
    "organised_crime": Label("Organiserad brottslighet", "Organised crime"),
    "other": Label("Annat", "Other"),
}

COUNCIL_CHAIR: dict[str, Label] = {
    "municipality": Label("Kommunen", "The municipality"),
    "police": Label("Polisen", "The police"),
    "joint": Label("Gemensamt", "Joint"),
    "other": Label("Annan", "Other"),
}

COUNCIL_MEMBERS: dict[str, Label] = {
    "municipality": Label("Kommunen", "Municipality"),
    "police": Label("Polisen", "Police"),
    "rescue_service": Label("Räddningstjänsten", "Rescue service"),
    "housing_company": Label("Bostadsbolag", "Housing company"),
    "school": Label("Skolan", "School"),
    "social_services": Label("Socialtjänsten", "Social services"),
    "leisure": Label("Fritid", "Leisure"),
    "business": Label("Näringslivet", "Business"),
    "civil_society": Label("Civilsamhället", "Civil society"),
    "region": Label("Regionen", "Region"),
    "county_board": Label("Länsstyrelsen", "County administrative board"),
    "other": Label("Annan", "Other"),
}

COORDINATION_MODELS: dict[str, Label] = {
    "est": Label("EST", "EST"),
    "sspf": Label("SSPF", "SSPF"),
    "other": Label("Annan modell", "Other model"),
}

DIALOGUE_METHODS: dict[str, Label] = {
    "citizen_dialogue": Label("Medborgardialog", "Citizen dialogue"),
    "survey": Label("Enkät", "Survey"),
    "safety_walk": Label("Trygghetsvandring", "Safety walk"),
    "web_panel": Label("Webbpanel", "Web panel"),
    "meeting": Label("Möte", "Meeting"),
    "other": Label("Annat", "Other"),
}

PROMISE_STATUS: dict[str, Label] = {
    "planned": Label("Planerat", "Planned"),
    "ongoing": Label("Pågående", "Ongoing"),
    "fulfilled": Label("Infriat", "Fulfilled"),
    "partly_fulfilled": Label("Delvis infriat", "Partly fulfilled"),
    "not_fulfilled": Label("Inte infriat", "Not fulfilled"),
}

PROJECT_STATUS: dict[str, Label] = {
    "ongoing": Label("Pågående", "Ongoing"),
    "completed": Label("Avslutat", "Completed"),
    "cancelled": Label("Avbrutet", "Cancelled"),
}

ENUMS: dict[str, dict[str, Label]] = {
    "focus_area": FOCUS_AREAS,
    "council_chair": COUNCIL_CHAIR,
    "council_member": COUNCIL_MEMBERS,
    "coordination_model": COORDINATION_MODELS,
    "dialogue_method": DIALOGUE_METHODS,
    "promise_status": PROMISE_STATUS,
    "project_status": PROJECT_STATUS,
}

# Fuller explanations for the two coordination models, for help texts (not for drop-downs).
COORDINATION_MODEL_HELP = {
    "est": "Effektiv samordning för trygghet",
    "sspf": "Skola, socialtjänst, polis, fritid",
}

BOOLEAN_LABELS = Label("Ja", "Nej")  # sv labels for True / False in the XLSX template


# --- fields ----------------------------------------------------------------------------------

FieldType = Literal[
    "string",
    "text",
    "code",
    "grant_id",
    "year",
    "int",
    "number",
    "bool",
    "date",
    "datetime",
    "enum",
    "enums",
]


@dataclass(frozen=True)
class Field:
    """One field of the contract: its key (dotted path), labels, type and rules."""

    key: str
    sv: str
    en: str
    type: FieldType
    required: bool = False
    enum: str | None = None  # key into ENUMS for enum / enums fields
    min: float | None = None
    max: float | None = None
    max_len: int | None = None


# The scalar (and list-in-one-cell) fields of a report; in the XLSX template they are the rows of
# the sheet `Uppgifter`. Rules that depend on other fields (valid_to >= valid_from, years up to the
# reporting year, required when exists) live in the validator.
REPORT_FIELDS: tuple[Field, ...] = (
    Field("schema_version", "Schemaversion", "Schema version", "string", required=True),
    Field("municipality_code", "Kommunkod", "Municipality code", "code", required=True),
    Field("reporting_year", "Rapportår", "Reporting year", "year", required=True),
    Field("submitted_at", "Inskickad", "Submitted at", "datetime"),
    Field("council.exists", "Råd finns", "Council exists", "bool", required=True),
    Field("council.name", "Rådets namn", "Council name", "string"),
    Field("council.established_year", "Rådet inrättat år", "Council established", "year"),
    Field("council.chair", "Ordförande", "Chair", "enum", enum="council_chair"),
    Field("council.members", "Rådets medlemmar", "Council members", "enums", enum="council_member"),
    Field(
        "council.meetings_held", "Antal möten under året", "Meetings held", "int", min=0, max=365
    ),
    Field(
        "council.coordinator_fte",
        "Samordnare (årsarbetare)",
        "Coordinator (FTE)",
        "number",
        min=0,
        max=50,
    ),
    Field(
        "council.coordination_models",
        "Samordningsmodeller",
        "Coordination models",
        "enums",
        enum="coordination_model",
    ),
    Field("situation_report.exists", "Lägesbild finns", "Situation report exists", "bool", True),
    Field(
        "situation_report.updated_year",
        "Lägesbild uppdaterad år",
        "Situation report updated",
        "year",
    ),
    Field("action_plan.exists", "Åtgärdsplan finns", "Action plan exists", "bool", True),
    Field("action_plan.adopted_date", "Åtgärdsplan antagen", "Action plan adopted", "date"),
    Field("agreement.exists", "Överenskommelse finns", "Agreement exists", "bool", True),
    Field("agreement.signed_date", "Undertecknad", "Signed", "date"),
    Field("agreement.valid_from", "Giltig från", "Valid from", "date"),
    Field("agreement.valid_to", "Giltig till", "Valid to", "date"),
    Field("agreement.police_area", "Lokalpolisområde", "Local police area", "string"),
    Field(
        "agreement.focus_areas",
        "Överenskommelsens fokusområden",
        "Agreement focus areas",
        "enums",
        enum="focus_area",
    ),
    Field("agreement.followed_up", "Överenskommelsen uppföljd", "Agreement followed up", "bool"),
    Field("measures", "Arbetade områden under året", "Measures", "enums", enum="focus_area"),
)

PROMISE_FIELDS: tuple[Field, ...] = (
    Field("promise_id", "Löftes-id", "Promise id", "string", required=True),
    Field("title", "Titel", "Title", "text", required=True, max_len=300),
    Field("focus_area", "Fokusområde", "Focus area", "enum", True, enum="focus_area"),
    Field("start_date", "Startdatum", "Start date", "date", required=True),
    Field("end_date", "Slutdatum", "End date", "date"),
    Field(
        "dialogue_methods",
        "Dialogmetoder",
        "Dialogue methods",
        "enums",
        required=True,
        enum="dialogue_method",
    ),
    Field("status", "Status", "Status", "enum", required=True, enum="promise_status"),
    Field("followed_up", "Uppföljt", "Followed up", "bool", required=True),
    Field("published", "Publicerat", "Published", "bool", required=True),
)

PROJECT_FIELDS: tuple[Field, ...] = (
    Field("grant_id", "Diarienummer", "Grant id", "grant_id", required=True),
    Field("title", "Projektnamn", "Project title", "text", required=True),
    Field("category", "Kategori", "Category", "enum", required=True, enum="focus_area"),
    Field("spent_sek", "Använt belopp (kr)", "Spent (SEK)", "number", True, min=0),
    Field("co_funding_sek", "Medfinansiering (kr)", "Co-funding (SEK)", "number", min=0),
    Field("status", "Status", "Status", "enum", required=True, enum="project_status"),
    Field("effect_evaluated", "Effekt utvärderad", "Effect evaluated", "bool", required=True),
)

GRANT_FIELDS: tuple[Field, ...] = (
    Field("grant_id", "Diarienummer", "Grant id", "grant_id", required=True),
    Field("decision_date", "Beslutsdatum", "Decision date", "date", required=True),
    Field("funding_year", "Bidragsår", "Funding year", "year", required=True),
    Field("municipality_code", "Kommunkod", "Municipality code", "code"),
    Field("county_code", "Länskod", "County code", "code"),
    Field("project_title", "Projektnamn", "Project title", "text", required=True),
    Field("category", "Kategori", "Category", "enum", required=True, enum="focus_area"),
    Field("amount_applied_sek", "Sökt belopp", "Amount applied", "number", True, min=0),
    Field("amount_granted_sek", "Beviljat belopp", "Amount granted", "number", True, min=0),
    Field("amount_paid_sek", "Utbetalt belopp", "Amount paid", "number", True, min=0),
)

# XLSX sheet names of the report template.
SHEET_FIELDS = "Uppgifter"
SHEET_PROMISES = "Medborgarlöften"
SHEET_PROJECTS = "Projekt"
SHEET_INSTRUCTIONS = "Instruktioner"
SHEET_LISTS = "Listor"  # hidden sheet holding the drop-down lists
HEADER_FIELD = "Fält"
HEADER_VALUE = "Värde"


def normalise_label(text: object) -> str:
    """Case- and whitespace-insensitive form of a header or label, for matching."""
    return re.sub(r"\s+", "", str(text)).casefold()


def field_lookup(fields: tuple[Field, ...]) -> dict[str, Field]:
    """Map every accepted spelling of a field (key, Swedish and English label) to the field."""
    out: dict[str, Field] = {}
    for f in fields:
        for name in (f.key, f.sv, f.en, f.key.replace(".", "_")):
            out[normalise_label(name)] = f
    return out


def enum_label(enum: str, key: str, lang: str = "sv") -> str:
    """The label people see for an enum value (the key itself when unknown)."""
    label = ENUMS[enum].get(key)
    if label is None:
        return key
    return label.sv if lang == "sv" else label.en
