"""Every word the dashboard shows, in Swedish and English, in one place.

UI strings live in ``STRINGS``; the indicators (label, definition, source) follow
shared/INDICATORS.md and live in ``INDICATORS``. Enum labels (focus areas, promise status, ...)
are not spelled here: they come from ``pipelines.contract`` so that a label exists once.
Swedish is the default language; English is the switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipelines import contract

Lang = Literal["sv", "en"]
LANGS: tuple[Lang, ...] = ("sv", "en")
DEFAULT_LANG: Lang = "sv"


def lang_or_default(value: object) -> Lang:
    """The language asked for, or Swedish for anything unknown."""
    return "en" if value == "en" else "sv"


@dataclass(frozen=True)
class Text:
    sv: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.sv


SOURCE_REPORTS = Text(
    "Kommunens årliga uppföljning av det brottsförebyggande arbetet",
    "The municipality's annual follow-up of its crime-prevention work",
)
SOURCE_GRANTS = Text("Beslut om utvecklingsmedel", "Decisions on development grants")
SOURCE_REFERENCE = Text(
    "SCB:s kommun- och länskoder och folkmängd (se reference/SOURCES.md)",
    "Statistics Sweden's municipality and county codes and population (see reference/SOURCES.md)",
)


@dataclass(frozen=True)
class Indicator:
    """One figure: its key (a mart column), labels, definition and source."""

    key: str
    label: Text
    short: Text
    definition: Text
    source: Text


# The boolean indicators shown as KPI cards, map layers and table columns, in display order.
# The keys are the whitelist of indicator columns: nothing else is ever used as an identifier.
INDICATORS: dict[str, Indicator] = {
    ind.key: ind
    for ind in (
        Indicator(
            "has_council",
            Text("Brottsförebyggande råd / samordningsorgan", "Crime-prevention council"),
            Text("Råd", "Council"),
            Text(
                "Kommunen har ett lokalt brottsförebyggande råd eller annat samordningsorgan "
                "enligt sin aktuella rapport för året (council.exists).",
                "The municipality has a local crime-prevention council or other coordination "
                "body according to its current report for the year (council.exists).",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "has_coordinator",
            Text("Samordnare finns", "Coordinator in place"),
            Text("Samordnare", "Coordinator"),
            Text(
                "Rapporten anger en brottsförebyggande samordnare på mer än 0 årsarbetare. "
                "Saknas uppgiften om årsarbetare räknas kommunen som ej rapporterad.",
                "The report states a crime-prevention coordinator of more than 0 full-time "
                "equivalents. Where the FTE is left out the municipality counts as not reported.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "has_agreement_in_force",
            Text("Gällande samverkansöverenskommelse", "Agreement in force"),
            Text("Överenskommelse", "Agreement"),
            Text(
                "Kommunen har en samverkansöverenskommelse med polisen som gäller någon dag under "
                "året: giltig från senast 31 december och giltig till tidigast 1 januari.",
                "The municipality has a collaboration agreement with the police that is valid on "
                "some day of the year: valid from 31 December at the latest and valid to "
                "1 January at the earliest.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "has_promises",
            Text("Medborgarlöften finns", "Citizen promises"),
            Text("Medborgarlöften", "Promises"),
            Text(
                "Rapporten innehåller minst ett medborgarlöfte från polis och kommun.",
                "The report lists at least one citizen promise by the police and municipality.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "has_situation_report",
            Text("Lägesbild", "Situation report"),
            Text("Lägesbild", "Situation report"),
            Text(
                "Kommunen har en lägesbild över brottsligheten och otryggheten "
                "(situation_report.exists).",
                "The municipality has a situation report on crime and insecurity "
                "(situation_report.exists).",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "has_action_plan",
            Text("Åtgärdsplan", "Action plan"),
            Text("Åtgärdsplan", "Action plan"),
            Text(
                "Kommunen har en åtgärdsplan med åtgärder valda utifrån lägesbilden "
                "(action_plan.exists).",
                "The municipality has an action plan with measures chosen from the situation "
                "report (action_plan.exists).",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "meets_legal_requirements",
            Text("Uppfyller lagkraven (lag 2023:196)", "Meets the legal requirements (2023:196)"),
            Text("Lagkraven", "Legal req."),
            Text(
                "Kommunen har samordningsorgan, lägesbild och åtgärdsplan, de tre kraven i lagen "
                "om kommuners ansvar för brottsförebyggande arbete. Lagen gäller från 1 juli 2023.",
                "The municipality has a coordination body, a situation report and an action plan, "
                "the three requirements of the act on municipalities' responsibility for crime "
                "prevention. The act applies from 1 July 2023.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "has_report",
            Text("Rapport inkommen", "Report received"),
            Text("Rapport", "Report"),
            Text(
                "Kommunen har en aktuell rapport för året: den senast inlämnade, efter att "
                "ersatta och avvisade filer lagts åt sidan. Kan aldrig vara okänd.",
                "The municipality has a current report for the year: the latest one submitted, "
                "after superseded and rejected files are set aside. Never unknown.",
            ),
            SOURCE_REPORTS,
        ),
    )
}

# The indicators whose share is taken over the reporting municipalities (all but has_report).
SHARE_INDICATORS: tuple[str, ...] = tuple(k for k in INDICATORS if k != "has_report")
LEGAL_INDICATOR = "meets_legal_requirements"
LAW_FIRST_YEAR = 2023

# Money and counts shown in profiles, with their own definitions.
MEASURES: dict[str, Indicator] = {
    m.key: m
    for m in (
        Indicator(
            "coordinator_fte",
            Text("Samordnare (årsarbetare)", "Coordinator (FTE)"),
            Text("Årsarbetare", "FTE"),
            Text(
                "Brottsförebyggande samordnare i årsarbetare enligt rapporten (council."
                "coordinator_fte); tomt där rapporten utelämnar uppgiften.",
                "Crime-prevention coordinator in full-time equivalents as reported (council."
                "coordinator_fte); empty where the report leaves it out.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "promises_count",
            Text("Antal medborgarlöften", "Number of citizen promises"),
            Text("Löften", "Promises"),
            Text(
                "Antal medborgarlöften i rapporten (0 för en tom lista).",
                "Citizen promises in the report (0 for an empty list).",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "spent_sek",
            Text("Använda utvecklingsmedel", "Development funds spent"),
            Text("Använt", "Spent"),
            Text(
                "Summan av använda belopp för de finansierade projekten i rapporten.",
                "The sum of the amounts spent on the funded projects in the report.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "granted_sek",
            Text("Beviljat", "Granted"),
            Text("Beviljat", "Granted"),
            Text(
                "Summan av beviljade utvecklingsmedel till kommunen för bidragsåret (0 där inga "
                "finns); bidrag på länsnivå räknas för länet, inte för en kommun.",
                "Development grants to the municipality for the funding year (0 where there are "
                "none); county-level grants count for the county, not a municipality.",
            ),
            SOURCE_GRANTS,
        ),
        Indicator(
            "paid_sek",
            Text("Utbetalt", "Paid"),
            Text("Utbetalt", "Paid"),
            Text(
                "Summan av utbetalda utvecklingsmedel till kommunen för bidragsåret.",
                "Development grants paid to the municipality for the funding year.",
            ),
            SOURCE_GRANTS,
        ),
    )
}

# Labels of the three values a boolean indicator takes for one municipality.
STATUS_LABELS: dict[str, Text] = {
    "yes": Text("Ja", "Yes"),
    "no": Text("Nej", "No"),
    "null": Text("Ej rapporterat", "Not reported"),
}

LEVELS: dict[str, Text] = {
    "kommun": Text("Kommuner (290)", "Municipalities (290)"),
    "lan": Text("Län (21)", "Counties (21)"),
    "polisregion": Text("Polisregioner (7)", "Police regions (7)"),
}
# URL level name -> mart_region_year.level
LEVEL_TO_MART = {"lan": "county", "polisregion": "police_region"}

STRINGS: dict[str, Text] = {
    k: Text(*v)
    for k, v in {
        "app_title": ("Brottsförebyggande arbete – nationell lägesbild", "Local crime prevention"),
        "app_subtitle": (
            "Lokalt brottsförebyggande arbete i Sveriges kommuner",
            "Local crime prevention in Sweden's municipalities",
        ),
        "skip_link": ("Hoppa till innehållet", "Skip to content"),
        "nav_label": ("Huvudmeny", "Main menu"),
        "current_page": (" (aktuell sida)", " (current page)"),
        "language": ("Språk", "Language"),
        "demo_banner": (
            "Demodata – syntetiska uppgifter, inte verklig statistik",
            "Demo data – synthetic, not real statistics",
        ),
        "no_warehouse": (
            "Det finns inget publicerat datalager ännu. Kör pipelinen (make demo ingest) och "
            "ladda om sidan.",
            "No warehouse has been published yet. Run the pipeline (make demo ingest) and "
            "reload the page.",
        ),
        "year": ("År", "Year"),
        "indicator": ("Indikator", "Indicator"),
        "level": ("Nivå", "Level"),
        "show": ("Visa", "Show"),
        "show_all": ("Alla", "All"),
        "municipality": ("Kommun", "Municipality"),
        "municipality_code": ("Kommunkod", "Municipality code"),
        "county": ("Län", "County"),
        "police_region": ("Polisregion", "Police region"),
        "region": ("Region", "Region"),
        "nation": ("Riket", "Sweden"),
        "population": ("Folkmängd", "Population"),
        "coordinator_fte_short": ("Samordnare, årsarbetare", "Coordinator, FTE"),
        "region_page": ("Region", "Region"),
        "value": ("Värde", "Value"),
        "share": ("Andel", "Share"),
        "count": ("Antal", "Count"),
        # Over the reporting municipalities, or all of them for "report received".
        "denominator": ("Underlag (kommuner)", "Base (municipalities)"),
        "kpi_heading": ("Nyckeltal för {year}", "Key figures for {year}"),
        "of_reporting": ("av {n} rapporterande", "of {n} reporting"),
        "of_municipalities": ("av {n} kommuner", "of {n} municipalities"),
        "reports_received": ("{n} av {total}", "{n} of {total}"),
        "change_pp": (
            "{sign}{value} procentenheter jämfört med {year}",
            "{sign}{value} percentage points on {year}",
        ),
        "change_pp_one": (
            "{sign}{value} procentenhet jämfört med {year}",
            "{sign}{value} percentage point on {year}",
        ),
        "change_count": ("{sign}{value} jämfört med {year}", "{sign}{value} on {year}"),
        "no_change_base": ("Ingen jämförelse med {year}", "No comparison with {year}"),
        "no_reports": ("Inga rapporter", "No reports"),
        "law_note": (
            "Lagen (2023:196) om kommuners ansvar för brottsförebyggande arbete gäller från "
            "1 juli 2023. För {year} visas uppgifterna bara som jämförelse.",
            "The act (2023:196) on municipalities' responsibility for crime prevention applies "
            "from 1 July 2023. For {year} the figures are shown for comparison only.",
        ),
        "definition": ("Definition", "Definition"),
        "definition_of": ("Definition och källa: {label}", "Definition and source: {label}"),
        "source": ("Källa", "Source"),
        "map_heading": ("Karta: {label}, {year}", "Map: {label}, {year}"),
        "map_fallback": (
            "Gränsfilerna för kartan saknas (data/geo). Kartan visar i stället en punkt per "
            "kommun, storlek efter folkmängd. Kör make setup-geo för att få gränserna.",
            "The boundary files for the map are missing (data/geo). The map shows one point per "
            "municipality instead, sized by population. Run make setup-geo to get the boundaries.",
        ),
        "map_alt": (
            "Kartan visar samma uppgifter som tabellen nedan.",
            "The map shows the same figures as the table below.",
        ),
        "map_click_hint": (
            "Klicka på en kommun eller region i kartan eller tabellen för att öppna dess profil.",
            "Click a municipality or region on the map or in the table to open its profile.",
        ),
        "trend_heading": ("Utveckling över åren, hela riket", "Trend over the years, Sweden"),
        "table_heading": ("Tabell: {label}, {year}", "Table: {label}, {year}"),
        "show_table": ("Visa tabellen", "Show the table"),
        "download_csv": ("Ladda ner CSV", "Download CSV"),
        "download_xlsx": ("Ladda ner Excel", "Download Excel"),
        "rows_shown": ("{n} rader", "{n} rows"),
        "row_shown": ("{n} rad", "{n} row"),
        "rows_range": ("Rad {first}–{last} av {n}", "Rows {first}–{last} of {n}"),
        "previous_page": ("Föregående", "Previous"),
        "next_page": ("Nästa", "Next"),
        "table_region": ("Tabell, kan rullas: {caption}", "Scrollable table: {caption}"),
        "table_pages": ("Bläddra i tabellen: {caption}", "Page through the table: {caption}"),
        "sort_by": ("Sortera efter {label}", "Sort by {label}"),
        "filter_status": ("Visa kommuner", "Show municipalities"),
        "overview": ("Översikt", "Overview"),
        "choose_municipality": ("Välj kommun", "Choose a municipality"),
        "choose_region": ("Välj region", "Choose a region"),
        "status_by_year": ("Status år för år", "Status year by year"),
        "submitted_at": ("Inlämnad", "Submitted"),
        "late": ("Sen", "Late"),
        "agreement_heading": ("Samverkansöverenskommelse {year}", "Collaboration agreement {year}"),
        "no_agreement": (
            "Ingen samverkansöverenskommelse rapporterad för {year}.",
            "No collaboration agreement reported for {year}.",
        ),
        "not_reported_year": (
            "Kommunen har inte rapporterat för {year}.",
            "The municipality has not reported for {year}.",
        ),
        "valid_from": ("Giltig från", "Valid from"),
        "valid_to": ("Giltig till", "Valid to"),
        "signed": ("Undertecknad", "Signed"),
        "police_area": ("Lokalpolisområde", "Local police area"),
        "focus_areas": ("Fokusområden", "Focus areas"),
        "agreement_expired": (
            "Överenskommelsen har gått ut ({date}).",
            "The agreement has expired ({date}).",
        ),
        "url_ignored": (
            "Länken angav {name}={raw}, som inte finns här; sidan visar {used}.",
            "The link asked for {name}={raw}, which is not available; the page shows {used}.",
        ),
        "agreement_expires_today": (
            "Överenskommelsen går ut i dag ({date}).",
            "The agreement expires today ({date}).",
        ),
        "agreement_expires_soon": (
            "Överenskommelsen går ut om {days} dagar ({date}).",
            "The agreement expires in {days} days ({date}).",
        ),
        "promises_heading": ("Medborgarlöften {year}", "Citizen promises {year}"),
        "no_promises": ("Inga medborgarlöften rapporterade.", "No citizen promises reported."),
        "nothing_reported_year": (
            "Inget att visa: kommunen har inte rapporterat för {year}.",
            "Nothing to show: the municipality has not reported for {year}.",
        ),
        "title": ("Titel", "Title"),
        "focus_area": ("Fokusområde", "Focus area"),
        "status": ("Status", "Status"),
        "dialogue_methods": ("Dialogmetoder", "Dialogue methods"),
        "start_date": ("Start", "Start"),
        "end_date": ("Slut", "End"),
        "followed_up": ("Uppföljt", "Followed up"),
        "published": ("Publicerat", "Published"),
        "projects_heading": ("Finansierade projekt {year}", "Funded projects {year}"),
        "no_projects": ("Inga finansierade projekt rapporterade.", "No funded projects reported."),
        "grant_id": ("Diarienummer", "Grant id"),
        "category": ("Kategori", "Category"),
        "spent": ("Använt (kr)", "Spent (SEK)"),
        "co_funding": ("Medfinansiering (kr)", "Co-funding (SEK)"),
        "effect_evaluated": ("Effekt utvärderad", "Effect evaluated"),
        "in_register": ("I bidragsregistret", "In grant register"),
        "grants_heading": ("Utvecklingsmedel, bidragsår {year}", "Development grants, {year}"),
        "no_grants": (
            "Inga bidrag i registret för året.",
            "No grants in the register for the year.",
        ),
        "decision_date": ("Beslutsdatum", "Decision date"),
        "project_title": ("Projektnamn", "Project title"),
        "applied": ("Sökt (kr)", "Applied (SEK)"),
        "granted": ("Beviljat (kr)", "Granted (SEK)"),
        "paid": ("Utbetalt (kr)", "Paid (SEK)"),
        "comparison_heading": (
            "{name} jämfört med län, polisregion och riket {year}",
            "{name} compared with county, police region and Sweden {year}",
        ),
        "region_table_heading": (
            "Kommunerna i {name} {year}",
            "The municipalities of {name} {year}",
        ),
        "region_vs_nation": (
            "{name} jämfört med riket {year}",
            "{name} compared with Sweden {year}",
        ),
        "difference_pp": ("Skillnad (procentenheter)", "Difference (percentage points)"),
        "missing_heading": (
            "Kommuner som saknar respektive krav {year}",
            "Municipalities missing each requirement {year}",
        ),
        "missing_no": ("Nej", "No"),
        "missing_null": ("Ej rapporterat", "Not reported"),
        "none_missing": ("Inga", "None"),
        "unknown_municipality": ("Okänd kommun: {code}", "Unknown municipality: {code}"),
        "unknown_region": ("Okänd region: {code}", "Unknown region: {code}"),
        "footer": (
            "Källor: kommunernas årliga uppföljning, beslut om utvecklingsmedel, SCB. "
            "Datalager version {version}, byggt {built_at}.",
            "Sources: the municipalities' annual follow-up, grant decisions, Statistics Sweden. "
            "Warehouse version {version}, built {built_at}.",
        ),
        # definitions, chart text, pickers
        "definitions_heading": ("Definitioner och källor", "Definitions and sources"),
        "definition_term": ("{label} (i tabellerna: {short})", "{label} (in the tables: {short})"),
        "map_caption_kommun": (
            "Kartan visar för varje kommun om ”{label}” gäller {year}: ja, nej eller ej "
            "rapporterat.",
            "The map shows for each municipality whether “{label}” holds in {year}: yes, no or "
            "not reported.",
        ),
        "map_caption_region": (
            "Kartan visar för varje {unit} andelen kommuner där ”{label}” gäller {year}.",
            "The map shows for each {unit} the share of municipalities where “{label}” holds in "
            "{year}.",
        ),
        "map_unit_lan": ("län", "county"),
        "map_unit_polisregion": ("polisregion", "police region"),
        "map_caption_table": (
            "Samma siffror finns i tabellen ”{table}” bredvid kartan (under kartan på smala "
            "skärmar).",
            "The same figures are in the table “{table}” beside the map (below it on narrow "
            "screens).",
        ),
        "trend_caption": (
            "Diagrammet visar andelen kommuner i hela riket per indikator och år. Samma siffror "
            "finns i tabellen ”{table}” under diagrammet (knappen ”{button}”).",
            "The chart shows the share of municipalities in Sweden per indicator and year. The "
            "same figures are in the table “{table}” below the chart (the “{button}” button).",
        ),
        "versus_caption": (
            "Diagrammet jämför för varje indikator andelen kommuner i {name} med andelen i hela "
            "riket {year}. Samma siffror finns i tabellen ”{table}” under diagrammet.",
            "For each indicator the chart compares the share of municipalities in {name} with "
            "the share in all of Sweden in {year}. The same figures are in the table “{table}” "
            "below the chart.",
        ),
    }.items()
}


def t(key: str, lang: Lang = DEFAULT_LANG, **fmt: object) -> str:
    """The UI string ``key`` in ``lang``, formatted with ``fmt``."""
    text = STRINGS[key](lang)
    return text.format(**fmt) if fmt else text


def indicator_label(key: str, lang: Lang = DEFAULT_LANG) -> str:
    """The label of an indicator or measure."""
    ind = INDICATORS.get(key) or MEASURES[key]
    return ind.label(lang)


def status_label(value: bool | None, lang: Lang = DEFAULT_LANG) -> str:
    """Ja / Nej / Ej rapporterat for a boolean that may be NULL (NULL is never "no")."""
    if value is None:
        return STATUS_LABELS["null"](lang)
    return STATUS_LABELS["yes" if value else "no"](lang)


def enum_label(enum: str, key: str | None, lang: Lang = DEFAULT_LANG) -> str:
    """An enum value's label from the reporting contract (empty for a missing value)."""
    if key is None:
        return ""
    return contract.enum_label(enum, key, lang)


def enum_labels(enum: str, keys: list[str] | None, lang: Lang = DEFAULT_LANG) -> str:
    """Labels of a list of enum values, comma-separated."""
    return ", ".join(enum_label(enum, k, lang) for k in (keys or []))
