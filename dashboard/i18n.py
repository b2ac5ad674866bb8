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
            "uses_est",
            Text("Arbetar med EST", "Works with EST"),
            Text("EST", "EST"),
            Text(
                "Kommunen arbetar enligt EST, Effektiv samordning för trygghet: est finns bland "
                "rådets samordningsmodeller (council.coordination_models). Nej där rådet saknar "
                "modeller eller inte finns.",
                "The municipality works with EST (Effektiv samordning för trygghet, effective "
                "coordination for safety): est is among the council's coordination models "
                "(council.coordination_models). No where the council has no models or none exists.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "uses_sspf",
            Text("Arbetar med SSPF", "Works with SSPF"),
            Text("SSPF", "SSPF"),
            Text(
                "Kommunen arbetar enligt SSPF, samverkan mellan skola, socialtjänst, polis och "
                "fritid: sspf finns bland rådets samordningsmodeller. Nej där rådet saknar "
                "modeller eller inte finns.",
                "The municipality works with SSPF (school, social services, police and leisure "
                "working together): sspf is among the council's coordination models. No where the "
                "council has no models or none exists.",
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
# The coordination models are ways of working, not requirements: nobody "misses" EST.
MODEL_INDICATORS: tuple[str, ...] = ("uses_est", "uses_sspf")
# What a municipality is expected to have; a "no" here is something it lacks.
REQUIREMENTS: tuple[str, ...] = tuple(k for k in SHARE_INDICATORS if k not in MODEL_INDICATORS)
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

# The figures of the Medel page (shared/INDICATORS.md, "Fund use"), for its definitions list.
FUND_MEASURES: dict[str, Indicator] = {
    m.key: m
    for m in (
        Indicator(
            "fund_money",
            Text("Sökt, beviljat och utbetalt", "Applied, granted and paid"),
            Text("Belopp", "Amounts"),
            Text(
                "Summor av sökt, beviljat och utbetalt belopp i bidragsregistrets aktuella rader "
                "(ett nytt register ersätter rader med samma diarienummer), för bidragsåren i "
                "perioden. Ett läns summa innefattar bidrag på länsnivå, som visas som egen del "
                "och aldrig räknas en kommun till godo; en polisregions summa är dess läns summor.",
                "Sums of the amounts applied for, granted and paid in the grant register's current "
                "rows (a new register replaces rows with the same id), for the funding years of "
                "the period. A county's total includes its county-level grants, shown as their own "
                "part and never credited to a municipality; a police region's is its counties'.",
            ),
            SOURCE_GRANTS,
        ),
        Indicator(
            "fund_spent",
            Text("Redovisat använt", "Reported spent"),
            Text("Använt", "Spent"),
            Text(
                "Summan av använt belopp för de finansierade projekten i kommunernas aktuella "
                "rapporter för rapportåren i perioden.",
                "The sum of the amounts spent on funded projects in the municipalities' current "
                "reports for the reporting years of the period.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "fund_per_inhabitant",
            Text("Per invånare", "Per inhabitant"),
            Text("kr/inv.", "SEK/inh."),
            Text(
                "Beloppet delat med regionens folkmängd i referenstabellen.",
                "The amount divided by the region's population in the reference table.",
            ),
            SOURCE_REFERENCE,
        ),
        Indicator(
            "fund_shares",
            Text("Andel av beviljat, andel av befolkningen", "Share of granted, of population"),
            Text("Skillnad", "Gap"),
            Text(
                "Regionens andel av rikets beviljade summa (bidrag på länsnivå inräknade) och av "
                "rikets folkmängd. Skillnaden i procentenheter visar över- (+) och "
                "underfördelning (−) i förhållande till folkmängden.",
                "The region's share of the nation's granted total (county-level grants included) "
                "and of its population. The gap in percentage points shows over- (+) and "
                "under-allocation (−) relative to the population.",
            ),
            SOURCE_GRANTS,
        ),
        Indicator(
            "fund_gini",
            Text("Gini-koefficient för kommunala bidrag", "Gini coefficient of municipal grants"),
            Text("Gini", "Gini"),
            Text(
                "Befolkningsviktad Gini-koefficient för bidrag till kommuner (bidrag på länsnivå "
                "ingår inte) över alla 290 kommuner, ordnade efter beviljat per invånare. "
                "Lorenzkurvan förbinder (0, 0) med punkterna (kumulativ andel av befolkningen, "
                "kumulativ andel av beviljat). 0 betyder att varje invånare fick lika mycket, "
                "nära 1 att en liten kommun fick allt. Tomt när inget beviljades.",
                "Population-weighted Gini coefficient of municipal grants (county-level grants "
                "left out) over all 290 municipalities, ordered by granted per inhabitant. The "
                "Lorenz curve joins (0, 0) and the points (cumulative share of population, "
                "cumulative share of granted). 0 means every inhabitant got the same, near 1 that "
                "one small municipality got all. Empty when nothing was granted.",
            ),
            SOURCE_GRANTS,
        ),
        Indicator(
            "fund_without",
            Text("Kommuner utan bidrag", "Municipalities without a grant"),
            Text("Utan bidrag", "Without"),
            Text(
                "Kommuner utan någon kommunal bidragsrad för bidragsåren i perioden (bidrag på "
                "länsnivå räknas inte för en kommun).",
                "Municipalities with no municipal grant row in the funding years of the period "
                "(county-level grants do not count for a municipality).",
            ),
            SOURCE_GRANTS,
        ),
    )
}

# The numbers of the Jämför page (INDICATORS.md, "Peer comparison").
COMPARE_MEASURES: dict[str, Indicator] = {
    m.key: m
    for m in (
        Indicator(
            "coordinator_fte_per_10k",
            Text("Samordnare per 10 000 invånare (årsarbetare)", "Coordinator FTE per 10,000"),
            Text("Samordnare/10 000 inv.", "FTE/10,000"),
            Text(
                "Brottsförebyggande samordnare i årsarbetare enligt rapporten, per 10 000 "
                "invånare i referenstabellen. Tomt där rapporten utelämnar årsarbetare.",
                "Crime-prevention coordinator full-time equivalents as reported, per 10,000 "
                "inhabitants of the reference table. Empty where the report leaves the FTE out.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "promises_fulfilled_share",
            Text("Andel infriade medborgarlöften (%)", "Share of promises fulfilled (%)"),
            Text("Infriade löften", "Fulfilled"),
            Text(
                "Löften med status infriat av alla löften i rapporten; tomt utan löften.",
                "Promises with status fulfilled of all promises in the report; empty without.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "granted_per_inhabitant",
            Text("Beviljat per invånare (kr)", "Granted per inhabitant (SEK)"),
            Text("Beviljat/inv.", "Granted/inh."),
            Text(
                "Beviljade utvecklingsmedel för bidragsåret delat med folkmängden; för ett län "
                "med bidrag på länsnivå.",
                "Development grants of the funding year divided by the population; for a county "
                "county-level grants included.",
            ),
            SOURCE_GRANTS,
        ),
        Indicator(
            "spent_per_inhabitant",
            Text("Använt per invånare (kr)", "Spent per inhabitant (SEK)"),
            Text("Använt/inv.", "Spent/inh."),
            Text(
                "Redovisat använt belopp för finansierade projekt i rapporten, per invånare.",
                "The amount reported spent on funded projects, per inhabitant.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "situation_report_age",
            Text("År sedan lägesbilden uppdaterades", "Years since the situation report"),
            Text("Lägesbildens ålder", "Report age"),
            Text(
                "Rapportåret minus det år lägesbilden senast uppdaterades; färre är bättre "
                "(rang 1 är den mest aktuella). För ett län medianen av kommunerna.",
                "The reporting year minus the year the situation report was last updated; fewer "
                "is better (rank 1 is the most current). For a county the municipalities' median.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "agreement_days_left",
            Text("Dagar tills överenskommelsen löper ut", "Days until the agreement expires"),
            Text("Dagar kvar", "Days left"),
            Text(
                "Dagar från i dag (senaste året) eller 31 december (tidigare år) till "
                "överenskommelsens slutdatum; negativt när den har löpt ut, tomt utan "
                "överenskommelse. Fler är bättre. För ett län medianen av kommunerna.",
                "Days from today (latest year) or 31 December (earlier years) to the agreement's "
                "end date; negative when it has expired, empty without one. More is better. For "
                "a county the municipalities' median.",
            ),
            SOURCE_REPORTS,
        ),
    )
}

# The figures of the Datakvalitet page (INDICATORS.md, "Data quality").
DQ_MEASURES: dict[str, Indicator] = {
    m.key: m
    for m in (
        Indicator(
            "dq_received",
            Text("Rapport inkommen", "Report received"),
            Text("Inkommen", "Received"),
            Text(
                "Kommuner med en aktuell rapport för året: den senast inlämnade som lästes in, "
                "efter att ersatta och avvisade filer lagts åt sidan.",
                "Municipalities with a current report for the year: the latest one submitted "
                "that was loaded, after superseded and rejected files are set aside.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "dq_on_time",
            Text("I tid och sent", "On time and late"),
            Text("I tid", "On time"),
            Text(
                "Den aktuella rapportens inlämningstid (submitted_at) före eller efter sista "
                "dagen, slutet av 31 mars (svensk tid) året efter rapportåret.",
                "The current report's submitted_at before or after the deadline, the end of "
                "31 March (Swedish time) of the year after the reporting year.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "dq_late",
            Text("Sent", "Late"),
            Text("Sent", "Late"),
            Text(
                "Den aktuella rapporten lämnades in efter sista dagen, slutet av 31 mars (svensk "
                "tid) året efter rapportåret.",
                "The current report was submitted after the deadline, the end of 31 March "
                "(Swedish time) of the year after the reporting year.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "dq_revised",
            Text("Reviderade", "Revised"),
            Text("Reviderade", "Revised"),
            Text(
                "Kommuner vars aktuella rapport ersatte en tidigare rapport för samma år.",
                "Municipalities whose current report superseded an earlier one for the year.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "dq_missing",
            Text("Saknas", "Missing"),
            Text("Saknas", "Missing"),
            Text(
                "Kommuner utan aktuell rapport för året: inget har kommit in, eller bara filer "
                "som avvisades (påminnelselistan).",
                "Municipalities without a current report for the year: nothing received, or "
                "only files that were rejected (the chase list).",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "dq_rejected_files",
            Text("Avvisade filer", "Rejected files"),
            Text("Avvisade", "Rejected"),
            Text(
                "Filer för året som avvisades, med varje skäl (fil, blad, rad, fält, vad som "
                "väntades).",
                "Files for the year that were rejected, with every reason (file, sheet, row, "
                "field, what was expected).",
            ),
            SOURCE_REPORTS,
        ),
    )
}

# The review flags on a grant (INDICATORS.md, "Fund use"), in display order.
FUND_FLAGS: dict[str, Indicator] = {
    f.key: f
    for f in (
        Indicator(
            "paid_exceeds_granted",
            Text("Utbetalt mer än beviljat", "Paid more than granted"),
            Text("Utbetalt > beviljat", "Paid > granted"),
            Text("Utbetalt belopp är större än beviljat.", "The amount paid exceeds the grant."),
            SOURCE_GRANTS,
        ),
        Indicator(
            "granted_exceeds_applied",
            Text("Beviljat mer än sökt", "Granted more than applied"),
            Text("Beviljat > sökt", "Granted > applied"),
            Text(
                "Beviljat belopp är större än sökt.",
                "The amount granted exceeds the amount applied for.",
            ),
            SOURCE_GRANTS,
        ),
        Indicator(
            "spent_exceeds_paid",
            Text("Redovisat mer än utbetalt", "Reported more than paid"),
            Text("Redovisat > utbetalt", "Spent > paid"),
            Text(
                "Använt belopp i alla aktuella rapporter som anger bidraget är större än "
                "utbetalt belopp.",
                "The spend in all current reports naming the grant exceeds the amount paid.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "no_report",
            Text("Ingen redovisning", "No report"),
            Text("Ingen redovisning", "No report"),
            Text(
                "Ingen aktuell rapport anger bidragets diarienummer (gäller inte bidrag på "
                "länsnivå, som ingen kommunrapport tar upp).",
                "No current report names the grant id (not judged for county-level grants, "
                "which no municipal report carries).",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "completed_without_effect",
            Text("Avslutat utan effektuppföljning", "Completed without effect evaluation"),
            Text("Utan effektuppföljning", "No evaluation"),
            Text(
                "En aktuell rapport anger projektet som avslutat utan att effekten utvärderats.",
                "A current report has the project completed without its effect evaluated.",
            ),
            SOURCE_REPORTS,
        ),
        Indicator(
            "not_paid",
            Text("Inte utbetalt", "Not paid"),
            Text("Inte utbetalt", "Not paid"),
            Text(
                "Inget är utbetalt fast beslutet är mer än 180 dagar gammalt (räknat på dagen då "
                "datalagret byggdes).",
                "Nothing has been paid although the decision is more than 180 days old (counted "
                "on the day the warehouse was built).",
            ),
            SOURCE_GRANTS,
        ),
    )
}

# Figures the Kolada-shaped API publishes (dashboard/api/catalogue.py) that no page names with a
# label of its own; the others it takes from the tables above.
API_MEASURES: dict[str, Indicator] = {
    m.key: m
    for m in (
        Indicator(
            "is_late",
            Text("Rapport inkommen för sent", "Report submitted late"),
            DQ_MEASURES["dq_late"].short,
            DQ_MEASURES["dq_late"].definition,
            SOURCE_REPORTS,
        ),
        Indicator(
            "applied_sek",
            Text("Sökt", "Applied"),
            Text("Sökt", "Applied"),
            Text(
                "Summan av sökta utvecklingsmedel för kommunen för bidragsåret (0 där inga "
                "finns); bidrag på länsnivå räknas för länet, inte för en kommun.",
                "Development grants applied for by the municipality for the funding year (0 "
                "where there are none); county-level grants count for the county, not a "
                "municipality.",
            ),
            SOURCE_GRANTS,
        ),
        Indicator(
            "applied_per_inhabitant",
            Text("Sökt per invånare (kr)", "Applied per inhabitant (SEK)"),
            Text("Sökt/inv.", "Applied/inh."),
            Text(
                "Sökta utvecklingsmedel för bidragsåret delat med folkmängden; för ett län "
                "med bidrag på länsnivå.",
                "Development grants applied for in the funding year divided by the population; "
                "for a county county-level grants included.",
            ),
            SOURCE_GRANTS,
        ),
        Indicator(
            "paid_per_inhabitant",
            Text("Utbetalt per invånare (kr)", "Paid per inhabitant (SEK)"),
            Text("Utbetalt/inv.", "Paid/inh."),
            Text(
                "Utbetalda utvecklingsmedel för bidragsåret delat med folkmängden; för ett län "
                "med bidrag på länsnivå.",
                "Development grants paid for the funding year divided by the population; for a "
                "county county-level grants included.",
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
        # the button that opens the navigation on narrow screens
        "menu": ("Meny", "Menu"),
        # sign-in and sign-out (dashboard/security/auth.py, templates/)
        "login_title": ("Logga in", "Sign in"),
        "login_intro": (
            "Logga in med det konto du fått av den nationella samordnaren.",
            "Sign in with the account the national coordinator gave you.",
        ),
        "login_name": ("Användarnamn", "User name"),
        "login_password": ("Lösenord", "Password"),
        "login_button": ("Logga in", "Sign in"),
        "login_help": (
            "Statistiken är öppen att läsa utan konto. Ett konto behövs för att lämna filer och "
            "för att se skälen till att filer avvisats.",
            "The statistics are open to read without an account. An account is needed to send "
            "files and to see why files were rejected.",
        ),
        "login_failed": (
            "Fel användarnamn eller lösenord.",
            "Wrong user name or password.",
        ),
        "login_missing": (
            "Fyll i både användarnamn och lösenord.",
            "Fill in both user name and password.",
        ),
        "login_stale": (
            "Formuläret hade gått ut. Försök igen.",
            "The form had expired. Please try again.",
        ),
        "login_throttled": (
            "För många misslyckade inloggningar. Försök igen om {minutes} min.",
            "Too many failed sign-ins. Try again in {minutes} min.",
        ),
        "login_slowed": (
            "Kontot har fått många misslyckade inloggningar och tar nu emot ett försök i minuten "
            "från webbläsare som inte loggat in på det förut. Försök igen om {seconds} s.",
            "The account has had many failed sign-ins and now takes one attempt a minute from "
            "browsers that have not signed in to it before. Try again in {seconds} s.",
        ),
        "login_expired": (
            "Du loggades ut efter 30 minuter utan aktivitet (eller 8 timmar sammanlagt).",
            "You were signed out after 30 minutes without activity (or 8 hours in all).",
        ),
        "login_already": ("Du är inloggad som {name}.", "You are signed in as {name}."),
        "logout_title": ("Logga ut", "Sign out"),
        "logout_question": ("Logga ut {name}?", "Sign {name} out?"),
        "logout_button": ("Logga ut", "Sign out"),
        "logout_cancel": ("Avbryt", "Cancel"),
        "logout_none": ("Du är inte inloggad.", "You are not signed in."),
        "nav_sign_in": ("Logga in", "Sign in"),
        # bulk downloads (dashboard/opendata/bulk.py, templates/bulk.html)
        "bulk_title": ("Öppna data: hela tabeller", "Open data: whole tables"),
        "bulk_intro": (
            "Varje tabell (mart) i den publicerade versionen som Parquet och som CSV för svenskt "
            "Excel, med en manifestfil (version, byggtid, radantal och SHA-256 för varje fil) "
            "och definitionerna. Tidigare versioner finns kvar så länge de sparas.",
            "Every table (mart) of the published version as Parquet and as CSV for Swedish "
            "Excel, with a manifest (version, build time, row counts and SHA-256 of each file) "
            "and the definitions. Earlier versions stay reachable while they are kept.",
        ),
        "bulk_version": (
            "Version {version}, byggd {built} (UTC).",
            "Version {version}, built {built} (UTC).",
        ),
        "bulk_synthetic": (
            "Demodata – inte verklig statistik.",
            "Demo data – not real statistics.",
        ),
        "bulk_caption": ("Filer i version {version}", "Files of version {version}"),
        "bulk_col_file": ("Fil", "File"),
        "bulk_col_rows": ("Rader", "Rows"),
        "bulk_col_size": ("Storlek", "Size"),
        "bulk_versions": ("Versioner som finns kvar", "Versions kept"),
        "bulk_version_link": ("Version {version} (manifest)", "Version {version} (manifest)"),
        "bulk_none": ("Ingen version är publicerad än.", "No version is published yet."),
        # Lämna filer (pages/upload.py, views/upload_state.py)
        "up_heading": ("Lämna filer", "Send files"),
        "up_sign_in_first": ("Logga in för att lämna filer.", "Sign in to send files."),
        "up_intro_kommun": (
            "Du lämnar årsrapporter för {name} ({code}). En rapport för en annan kommun avvisas.",
            "You send annual reports for {name} ({code}). A report for another municipality is "
            "rejected.",
        ),
        "up_intro_coordinator": (
            "Du kan lämna årsrapporter för alla kommuner och bidragsregister.",
            "You can send annual reports for every municipality and grant registers.",
        ),
        "up_label": (
            "Välj en eller flera filer (JSON, XLSX eller CSV)",
            "Choose one or more files (JSON, XLSX or CSV)",
        ),
        "up_limits": (
            "Högst {mb} MB per fil och {n} filer åt gången. Filens innehåll avgör vad den är, "
            "inte dess namn.",
            "At most {mb} MB a file and {n} files at a time. A file's content decides what it "
            "is, not its name.",
        ),
        "up_send": ("Skicka", "Send"),
        "up_sending": ("Skickar …", "Sending …"),
        "up_state_queued": (
            "Mottaget. Väntar på att läsas in …",
            "Received. Waiting to be read in …",
        ),
        "up_state_running": (
            "Läser in: {done} av {total} filer …",
            "Reading in: {done} of {total} files …",
        ),
        "up_state_failed": (
            "Inläsningen misslyckades: {error}",
            "Reading in failed: {error}",
        ),
        "up_state_done": (
            "Klart: {loaded} av {total} filer inlästa, {rejected} avvisade.",
            "Done: {loaded} of {total} files read in, {rejected} rejected.",
        ),
        "up_state_version": (
            "Version {version} av lägesbilden är publicerad.",
            "Version {version} of the picture is published.",
        ),
        "up_unknown_job": ("Ingen sådan inlämning.", "No such upload."),
        "up_refused": ("Avvisad vid mottagandet", "Refused on receipt"),
        "up_waiting": ("Väntar", "Waiting"),
        "up_warning_prefix": ("Varning: ", "Warning: "),
        "up_outcome_caption": ("Utfall per fil", "Outcome per file"),
        "up_col_file": ("Fil", "File"),
        "up_col_outcome": ("Utfall", "Outcome"),
        "up_col_municipality": ("Kommunkod", "Municipality code"),
        "up_col_reasons": ("Skäl och varningar", "Reasons and warnings"),
        "up_col_sent": ("Skickad (UTC)", "Sent (UTC)"),
        "up_col_user": ("Konto", "Account"),
        "up_col_files": ("Filer", "Files"),
        "up_col_loaded": ("Inlästa", "Read in"),
        "up_col_rejected": ("Avvisade", "Rejected"),
        "up_col_state": ("Läge", "State"),
        "up_col_names": ("Filnamn", "File names"),
        "up_jobs_own": ("Dina inlämningar", "Your uploads"),
        "up_jobs_all": ("Alla inlämningar", "All uploads"),
        "up_no_jobs": ("Inga inlämningar än.", "No uploads yet."),
        "up_job_queued": ("I kö", "Queued"),
        "up_job_running": ("Läses in", "Reading in"),
        "up_job_done": ("Klar", "Done"),
        "up_job_failed": ("Misslyckades", "Failed"),
        "audit_heading": ("Granskningslogg", "Audit log"),
        "audit_note": (
            "Inloggningar, misslyckade inloggningar och inlämnade filer, nyast först, ur hela "
            "loggen (även de äldre, roterade filerna). Upprepade avvisningar av anonyma "
            "förfrågningar samlas till en rad per minut med antal. Loggen skrivs bara till, "
            "aldrig om. Nedladdningen tar med alla träffar för filtret (de nyaste 20 000).",
            "Sign-ins, failed sign-ins and files sent, newest first, from the whole log (the "
            "older, rotated files too). Repeated refusals of anonymous requests are gathered into "
            "one line a minute with a count. The log is only appended to, never rewritten. The "
            "download holds every entry the filter matches (the newest 20,000).",
        ),
        "audit_all_events": ("Alla händelser", "All events"),
        "audit_from": ("Från dag", "From day"),
        "audit_to": ("Till dag", "To day"),
        "audit_day_hint": ("ÅÅÅÅ-MM-DD (UTC)", "YYYY-MM-DD (UTC)"),
        "audit_text": ("Fritext", "Free text"),
        "audit_newer": ("Nyare", "Newer"),
        "audit_older": ("Äldre", "Older"),
        "audit_range": ("Rad {first}–{last}", "Rows {first}–{last}"),
        "audit_none": ("Inga händelser matchar.", "No events match."),
        "audit_pages": ("Bläddra i granskningsloggen", "Page through the audit log"),
        "audit_col_count": ("Antal", "Count"),
        "audit_caption": ("Granskningslogg", "Audit log"),
        "audit_col_at": ("Tid (UTC)", "Time (UTC)"),
        "audit_col_event": ("Händelse", "Event"),
        "audit_col_address": ("Adress", "Address"),
        "audit_col_detail": ("Detaljer", "Details"),
        "audit_sign_in": ("Inloggning", "Sign-in"),
        "audit_sign_in_failed": ("Misslyckad inloggning", "Failed sign-in"),
        "audit_sign_in_throttled": ("Inloggning spärrad (för många försök)", "Sign-in throttled"),
        "audit_sign_out": ("Utloggning", "Sign-out"),
        "audit_upload": ("Fil lämnad", "File sent"),
        "audit_upload_refused": ("Inlämning avvisad", "Upload refused"),
        "dq_reasons_signed_in": (
            "Skälen citerar innehållet i avvisade filer och visas bara för inloggade med "
            "behörighet.",
            "The reasons quote the contents of rejected files and are shown only to signed-in "
            "accounts with access.",
        ),
        "dq_files_signed_in": (
            "Vilka filer som kommit in, och från vem, visas bara för inloggade med behörighet.",
            "Which files arrived, and from whom, is shown only to signed-in accounts with access.",
        ),
        "nav_sign_out": ("Logga ut ({name})", "Sign out ({name})"),
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
        # -- Datakvalitet --
        "dqw_by_kind_heading": ("Varningar per slag {year}", "Warnings by kind {year}"),
        "dqw_by_kind_note": (
            "En varning stoppar inte filen men säger att något tolkades eller ignorerades. Räknat "
            "över årets mottagna filer, samma filer som listan nedan.",
            "A warning does not stop the file but says that something was guessed or ignored. "
            "Counted over the files received for the year, the same files as the list below.",
        ),
        "dqw_by_municipality_heading": (
            "Varningar per kommun {year}",
            "Warnings by municipality {year}",
        ),
        "dqw_by_municipality_note": (
            "Underlag för återkoppling till varje kommun: varningarna, deras slag och filerna. "
            "Avvisade filer räknas men namnges inte här; de står i fillistan, för inloggade. "
            "Bidragsregistrens varningar står på en egen rad, för bidragskansliet.",
            "For feedback to each municipality: the warnings, their kinds and the files. "
            "Rejected files are counted but not named here; they are on the file list, for "
            "signed-in accounts. The grant registers' warnings are on a row of their own, for "
            "the grant office.",
        ),
        "dqw_kind": ("Varning", "Warning"),
        "dqw_code": ("Kod", "Code"),
        "dqw_n": ("Varningar", "Warnings"),
        "dqw_files": ("Filer", "Files"),
        "dqw_rejected_files": ("Avvisade filer", "Rejected files"),
        "dqw_municipalities": ("Kommuner", "Municipalities"),
        "dqw_kinds": ("Slag", "Kinds"),
        "dqw_register": ("Bidragsregistret", "Grant register"),
        "dqw_unknown_municipality": ("Kommun okänd", "Municipality unknown"),
        "dqw_sheet": ("Blad", "Sheet"),
        "dqw_row": ("Rad", "Row"),
        "dqw_unreported_heading": (
            "Bidrag för bidragsåret {year} som ingen rapport nämner",
            "Grants of funding year {year} that no report names",
        ),
        "dqw_unreported_note": (
            "Aktuella bidrag i registret vars diarienummer ingen aktuell rapport anger "
            "(länsbidrag och avslag, beviljat 0 kr, räknas inte).",
            "Current grants in the register whose id no current report gives (county-level "
            "grants and refusals, granted 0, are not counted).",
        ),
        "dqw_unknown_ids_heading": (
            "Diarienummer i rapporterna {year} som saknas i bidragsregistret",
            "Grant ids in the {year} reports that the grant register lacks",
        ),
        "dqw_unknown_ids_note": (
            "Finansierade projekt i årets aktuella rapporter vars diarienummer inte finns i "
            "registret; registret kan komma senare. Blad och rad anges för Excel-rapporter.",
            "Funded projects in the year's current reports whose grant id is not in the "
            "register; the register may arrive later. Sheet and row are given for Excel reports.",
        ),
        "dqw_code_guessed_value": ("Tolkat värde", "Guessed value"),
        "dqw_code_padded_code": (
            "Kod utan inledande nolla eller lagrad som tal",
            "Code without its leading zero or stored as a number",
        ),
        "dqw_code_unknown_field": ("Okänt fält ignorerades", "Unknown field ignored"),
        "dqw_code_unknown_column": ("Okänd kolumn ignorerades", "Unknown column ignored"),
        "dqw_code_unknown_sheet": ("Okänt blad ignorerades", "Unknown sheet ignored"),
        "dqw_code_unnamed_column": ("Kolumn utan rubrik ignorerades", "Unnamed column ignored"),
        "dqw_code_duplicate_column": ("Kolumnen finns två gånger", "Duplicate column"),
        "dqw_code_duplicate_field": ("Fältet finns två gånger", "Duplicate field"),
        "dqw_code_duplicate_sheet": ("Bladet finns två gånger", "Duplicate sheet"),
        "dqw_code_renamed_sheet": ("Omdöpt blad", "Renamed sheet"),
        "dqw_code_missing_header": ("Rubrikrad saknas", "Header row missing"),
        "dqw_code_missing_list": ("Lista saknas, tolkad som tom", "List missing, read as empty"),
        "dqw_code_missing_schema_version": ("Formatversion saknas", "Format version missing"),
        "dqw_code_missing_paid_amount": (
            "Utbetalt belopp saknas, tolkat som 0 kr",
            "Paid amount missing, read as 0",
        ),
        "dqw_code_amount_order": (
            "Belopp i fel ordning (utbetalt, beviljat, sökt)",
            "Amounts out of order (paid, granted, applied)",
        ),
        "dqw_code_encoding": ("Teckenkodning Windows-1252, inte UTF-8", "Windows-1252, not UTF-8"),
        "dqw_code_cell_error": ("Cell med Excel-fel lästes som tom", "Excel error cell read empty"),
        "dqw_code_future_submitted_at": (
            "Inskickad efter mottagandet",
            "Submitted after it was received",
        ),
        "dqw_code_no_dialogue": ("Medborgarlöfte utan dialogmetod", "Promise without dialogue"),
        "dqw_code_duplicate": ("Samma fil mottagen igen", "Same file received again"),
        "dqw_code_unknown_grant_id": (
            "Diarienummer saknas i bidragsregistret",
            "Grant id not in the register",
        ),
        "dq_heading": ("Datakvalitet – rapportåret {year}", "Data quality – reporting year {year}"),
        "dq_kpi_heading": ("Inkommet för {year}", "Received for {year}"),
        "dq_search": ("Sök bland filerna (namn, kommun, utfall)", "Search the files"),
        "dq_received": ("Rapport inkommen", "Report received"),
        "dq_on_time": ("I tid", "On time"),
        "dq_late": ("Sent", "Late"),
        "dq_revised": ("Reviderade", "Revised"),
        "dq_missing": ("Saknas", "Missing"),
        "dq_rejected_files": ("Avvisade filer", "Rejected files"),
        "dq_of_received": ("av {n} inkomna", "of {n} received"),
        "dq_missing_detail": (
            "{nothing} utan någon fil, {rejected} med bara avvisade filer",
            "{nothing} without any file, {rejected} with only rejected files",
        ),
        "dq_files_for_year": ("av {n} mottagna filer", "of {n} files received"),
        "dq_col_municipalities": ("Kommuner", "Municipalities"),
        "dq_col_received": ("Inkommen", "Received"),
        "dq_col_on_time": ("I tid", "On time"),
        "dq_col_late": ("Sent", "Late"),
        "dq_col_revised": ("Reviderade", "Revised"),
        "dq_col_nothing": ("Saknas: inget knutet till kommunen", "Missing: nothing linked"),
        "dq_col_only_rejected": ("Saknas: bara avvisade", "Missing: only rejected"),
        "dq_county_heading": ("Per län {year}", "Per county {year}"),
        "dq_chase_heading": ("Påminnelselista {year}: kommuner som saknas", "Chase list {year}"),
        "dq_chase_note": (
            "Kommunerna utan aktuell rapport, med den senaste filen för året och vad som hände "
            "med den. Nedladdningen har alla rader, klar för dokumentkoppling.",
            "The municipalities without a current report, with the last file for the year and "
            "what became of it. The download has every row, ready for a mail merge.",
        ),
        "dq_why": ("Varför", "Why"),
        "dq_status_on_time": ("I tid", "On time"),
        "dq_status_late": ("Sent", "Late"),
        "dq_status_missing": (
            "Inget som kunde knytas till kommunen",
            "Nothing that could be linked to it",
        ),
        "dq_unattributed": (
            "{n} avvisade rapportfiler för året namnger ingen kommun som gick att läsa (tom fil, "
            "fel format): de finns i listan över mottagna filer och kan höra till en kommun här.",
            "{n} rejected report files of the year name no municipality that could be read "
            "(empty file, wrong format): they are in the list of files received and may belong "
            "to a municipality here.",
        ),
        "dq_status_rejected": ("Bara avvisade filer", "Only rejected files"),
        "dq_last_file": ("Senaste fil", "Last file"),
        "dq_last_received": ("Mottagen", "Received"),
        "dq_last_fate": ("Utfall", "Outcome"),
        "dq_files_heading": ("Mottagna filer för {year}", "Files received for {year}"),
        "dq_files_note": (
            "Rapporter för rapportåret och bidragsregister för bidragsåret, nyast först; filer "
            "vars år inte gick att läsa visas under året före det de kom in.",
            "Reports of the reporting year and registers of the funding year, newest first; "
            "files whose year could not be read are listed under the year before they arrived.",
        ),
        "dq_file": ("Fil", "File"),
        "dq_received_at": ("Mottagen", "Received"),
        "dq_kind": ("Typ", "Kind"),
        "dq_kind_report_json": ("Rapport (JSON)", "Report (JSON)"),
        "dq_kind_report_xlsx": ("Rapport (Excel)", "Report (Excel)"),
        "dq_kind_grants_csv": ("Bidragsregister (CSV)", "Grant register (CSV)"),
        "dq_kind_grants_xlsx": ("Bidragsregister (Excel)", "Grant register (Excel)"),
        "dq_kind_unknown": ("Okänd", "Unknown"),
        "dq_fate": ("Utfall", "Outcome"),
        "dq_file_loaded": ("Inläst", "Loaded"),
        "dq_file_partially_loaded": ("Delvis inläst", "Partly loaded"),
        "dq_file_superseded": ("Ersatt", "Superseded"),
        "dq_file_duplicate": ("Dubblett", "Duplicate"),
        "dq_file_rejected": ("Avvisad", "Rejected"),
        "dq_errors": ("Fel", "Errors"),
        "dq_warnings": ("Varningar", "Warnings"),
        "dq_reasons_heading": (
            "Skäl till avvisning {year} (hela filer och registerrader)",
            "Why files and register rows were rejected {year}",
        ),
        "dq_reason": ("Skäl", "Reason"),
        "dq_no_reason": ("(inget skäl registrerat)", "(no reason recorded)"),
        "dq_none": ("Inga.", "None."),
        "dq_map_heading": ("Karta {year}", "Map {year}"),
        "dq_map_caption": (
            "Kartan visar varje kommuns rapportering för {year}: i tid, sent, bara avvisade "
            "filer, eller inget som kunde knytas till kommunen. Samma uppgifter finns i "
            "tabellerna ”{counties}” och ”{chase}”.",
            "The map shows each municipality's reporting for {year}: on time, late, only "
            "rejected files, or nothing that could be linked to it. The same is in the tables "
            "“{counties}” and “{chase}”.",
        ),
        "dq_warehouse_heading": ("Datalagret", "The warehouse"),
        "dq_warehouse_text": (
            "Senast publicerat {built} UTC, version {version}, byggt av {files} mottagna filer i "
            "{runs}.",
            "Last published {built} UTC, version {version}, built from {files} files received "
            "in {runs}.",
        ),
        "dq_runs_one": ("{n} körning", "{n} run"),
        "dq_runs_many": ("{n} körningar", "{n} runs"),
        "dq_runs_heading": (
            "Vad de senaste {n} körningarna lade till",
            "What the last {n} runs added",
        ),
        "dq_run": ("Körning", "Run"),
        "dq_run_started": ("Startad", "Started"),
        "dq_run_files": ("Filer", "Files"),
        "dq_run_loaded": ("Inlästa", "Loaded"),
        "dq_run_partially_loaded": ("Delvis inlästa", "Partly loaded"),
        "dq_run_superseded": ("Ersatta sedan", "Since superseded"),
        "dq_run_duplicates": ("Dubbletter", "Duplicates"),
        "dq_run_rejected": ("Avvisade", "Rejected"),
        "dq_history_heading": (
            "Inlämnade filer, alla år, och vad som hände med dem",
            "Files received, every year, and what became of them",
        ),
        "no_submissions": (
            "Inga filer som anger kommunen har kommit in.",
            "No file naming the municipality has been received.",
        ),
        "dq_att_heading": ("Behöver uppmärksamhet {year}", "Needs attention {year}"),
        "dq_att_note": (
            "Lägesbilder som inte uppdaterats på två år eller mer, överenskommelser som gått ut "
            "eller går ut inom 180 dagar (räknat från i dag för det senaste året, annars från 31 "
            "december) och lägesbilder utan åtgärdsplan.",
            "Situation reports not updated for two years or more, agreements that have expired "
            "or expire within 180 days (from today for the latest year, else from 31 December) "
            "and situation reports without an action plan.",
        ),
        "dq_att_what": ("Vad", "What"),
        "dq_att_detail": ("Detalj", "Detail"),
        "dq_att_stale": ("Gammal lägesbild", "Stale situation report"),
        "dq_att_stale_detail": ("senast uppdaterad {year}", "last updated {year}"),
        "dq_att_expired": ("Överenskommelsen har gått ut", "Agreement expired"),
        "dq_att_expired_detail": ("gick ut {date}", "expired {date}"),
        "dq_att_expires_soon": ("Överenskommelsen går snart ut", "Agreement expires soon"),
        "dq_att_expires_soon_detail": (
            "går ut {date}, om {days} dagar",
            "expires {date}, in {days} days",
        ),
        "dq_att_no_plan": ("Lägesbild utan åtgärdsplan", "Situation report, no action plan"),
        "dq_att_no_plan_detail": (
            "lägesbild finns men ingen åtgärdsplan",
            "a situation report but no action plan",
        ),
        # -- Jämför (peer comparison) --
        "cmp_page": ("Jämför", "Compare"),
        "cmp_intro": (
            "Välj en kommun eller ett län och vilka den ska jämföras med, och tryck Visa.",
            "Choose a municipality or a county and whom to compare it with, and press Show.",
        ),
        "cmp_unknown_place": ("Koden {code} finns inte.", "There is no place with code {code}."),
        "cmp_heading": ("Jämför: {name} {year}", "Compare: {name} {year}"),
        "cmp_choices": ("Jämförelsens urval", "What to compare"),
        "cmp_place": ("Kommun eller län", "Municipality or county"),
        "cmp_group": ("Jämför med", "Compare with"),
        "cmp_group_kommungrupp": (
            "Samma kommungrupp (SKR 2023)",
            "Same municipality group (SKR 2023)",
        ),
        "cmp_group_lan": ("Samma län", "Same county"),
        "cmp_group_polisregion": ("Samma polisregion", "Same police region"),
        "cmp_group_folkmangd": (
            "Liknande folkmängd (halva till dubbla)",
            "Similar population (half to double)",
        ),
        "cmp_group_egen": ("Eget urval", "Hand-picked"),
        "cmp_group_lan_alla": ("Alla andra län", "Every other county"),
        "cmp_label_kommungrupp": ("kommungrupp {code} {name}", "municipality group {code} {name}"),
        "cmp_label_lan": ("kommunerna i {name}", "the municipalities of {name}"),
        "cmp_label_polisregion": (
            "kommunerna i polisregion {name}",
            "the municipalities of police region {name}",
        ),
        "cmp_label_folkmangd": (
            "kommuner med {low}–{high} invånare",
            "municipalities with {low}–{high} inhabitants",
        ),
        "cmp_label_egen": ("eget urval ({n})", "hand-picked ({n})"),
        "cmp_label_lan_alla": ("alla andra län", "every other county"),
        "cmp_group_is": (
            "Jämförelsegrupp: {group}, {n} utan den valda själv.",
            "Peers: {group}, {n} not counting the chosen place itself.",
        ),
        "cmp_empty_group": (
            "Jämförelsegruppen är tom: välj en annan grupp eller lägg till kommuner i urvalet.",
            "The peer group is empty: choose another group or add places to the list.",
        ),
        "cmp_picked": ("Eget urval (koder eller namn)", "Hand-picked (codes or names)"),
        "cmp_picked_help": (
            "Kommaseparerat, till exempel 0115, Täby, 0120. Gäller när ”Eget urval” är valt.",
            "Comma-separated, for example 0115, Täby, 0120. Used with “Hand-picked”.",
        ),
        "cmp_indicator_years": ("Indikator över tid", "Indicator over the years"),
        "cmp_share_of_municipalities": ("{label} (andel kommuner)", "{label} (share)"),
        "cmp_rank": ("{rank} av {n}", "{rank} of {n}"),
        "cmp_not_reported": ("; {n} ej rapporterat", "; {n} not reported"),
        "cmp_no_values": ("Inga värden", "No values"),
        "cmp_share_text_all": ("{share} ({yes} av {n})", "{share} ({yes} of {n})"),
        "cmp_share_text": (
            "{share} ({yes} av {n} rapporterande)",
            "{share} ({yes} of {n} reporting)",
        ),
        "cmp_median_text": (
            "median {median} (P25 {p25} – P75 {p75}; min {low} – max {high}; {n} med värde)",
            "median {median} (P25 {p25} – P75 {p75}; min {low} – max {high}; {n} with a value)",
        ),
        "cmp_national_share": ("{share} (av {n})", "{share} (of {n})"),
        "cmp_national_median": ("median {median}", "median {median}"),
        "cmp_national_value": ("{value} (av {n})", "{value} (of {n})"),
        "cmp_dl_value": ("{name}: värde (Ja = 1, Nej = 0)", "{name}: value (Yes = 1, No = 0)"),
        "cmp_dl_answer": ("{name}: svar", "{name}: answer"),
        "cmp_peers_col": ("Jämförelsegruppen: {group}", "Peers: {group}"),
        "cmp_rank_col": ("Rang", "Rank"),
        "cmp_table_heading": (
            "{name} jämfört med {group}",
            "{name} compared with {group}",
        ),
        "cmp_dl_key": ("Nyckel", "Key"),
        "cmp_dl_yes": ("Grupp: ja", "Peers: yes"),
        "cmp_dl_base": ("Grupp: underlag", "Peers: base"),
        "cmp_dl_share": ("Grupp: andel (%)", "Peers: share (%)"),
        "cmp_dl_n": ("Grupp: antal med värde", "Peers: with a value"),
        "cmp_dl_not_reported": ("Grupp: ej rapporterat", "Peers: not reported"),
        "cmp_dl_rank": ("Rang", "Rank"),
        "cmp_dl_rank_of": ("Rang av", "Rank of"),
        "cmp_dl_national": ("Riket (andel % eller median)", "Sweden (share % or median)"),
        "cmp_dl_national_base": ("Riket: underlag", "Sweden: base"),
        "cmp_strip_section": ("Var står den i fördelningen?", "Where does it stand?"),
        "cmp_strip_caption": (
            "Varje rad är ett mått: jämförelsegruppen som punkter, {name} som romb och gruppens "
            "median som streck. Samma siffror finns i tabellen ”{table}” ovan.",
            "Each row is one measure: the peers as dots, {name} as a diamond and the peers' "
            "median as a bar. The same figures are in the table “{table}” above.",
        ),
        "cmp_peers_legend": ("Jämförelsegruppen", "Peers"),
        "cmp_median_legend": ("Gruppens median", "Peers' median"),
        "cmp_years_heading": ("{label} över tid – {name}", "{label} over the years – {name}"),
        "cmp_years_caption": (
            "Diagrammet visar värdet år för år mot jämförelsegruppens andel eller median och "
            "riket. Samma siffror finns i tabellen ”{table}” under diagrammet.",
            "The chart shows the value year by year against the peers' share or median and the "
            "nation. The same figures are in the table “{table}” below the chart.",
        ),
        "cmp_peers_share": ("Gruppens andel ja (%)", "Peers' share yes (%)"),
        "cmp_peers_median": ("Gruppens median", "Peers' median"),
        "cmp_nation_share": ("Rikets andel ja (%)", "Sweden's share yes (%)"),
        "cmp_nation_median": ("Rikets median", "Sweden's median"),
        "cmp_learn_heading": ("Lär av – {year}", "Learn from – {year}"),
        "cmp_learn_note": (
            "Kommunen saknar {n} av kraven. För varje krav: kommunerna i gruppen som uppfyller "
            "det, de mest lika först (samma kommungrupp, sedan närmast i folkmängd).",
            "The municipality lacks {n} of the requirements. For each: the peers that meet it, "
            "the most similar first (same municipality group, then the closest population).",
        ),
        "cmp_learn_none": (
            "Kommunen uppfyller alla krav som den rapporterat om.",
            "The municipality meets every requirement it reported on.",
        ),
        "cmp_learn_not_reported": (
            "Kommunen har ingen rapport för {year}: vad den saknar är inte känt.",
            "The municipality has no report for {year}: what it lacks is not known.",
        ),
        "cmp_learn_note_county": (
            "För varje krav som inte alla länets kommuner uppfyller: länen med högre andel, "
            "högst först.",
            "For each requirement not every municipality of the county meets: the counties with "
            "a higher share, highest first.",
        ),
        "cmp_requirement": ("Krav", "Requirement"),
        "cmp_learn_peer": ("Lär av", "Learn from"),
        "cmp_group_col": ("Kommungrupp", "Municipality group"),
        "cmp_same_group": ("Samma kommungrupp", "Same group"),
        "cmp_share_col": ("Andel", "Share"),
        "cmp_peers_heading": ("Jämförelsegruppen ({n})", "The peers ({n})"),
        "cmp_link_municipality": ("Jämför med liknande kommuner", "Compare with similar"),
        "cmp_picked_left_out": ("jämförelsen utan den", "the comparison without it"),
        "cmp_link_county": ("Jämför länet med andra län", "Compare with other counties"),
        "cmp_link_police_region": (
            "Jämför kommunerna i polisregionen",
            "Compare the municipalities of the police region",
        ),
        # -- Medel (fund use) --
        "fund_page_heading": (
            "Medel – utvecklingsmedel {period}",
            "Funds – development grants {period}",
        ),
        "fund_choices": ("Urval", "Selection"),
        "fund_from": ("Från bidragsår", "From funding year"),
        "fund_to": ("Till bidragsår", "To funding year"),
        "fund_funding_years": ("Bidragsår", "Funding years"),
        "fund_region_filter": ("Region", "Region"),
        "fund_whole_nation": ("Hela riket", "All of Sweden"),
        "fund_category": ("Kategori", "Category"),
        "fund_all_categories": ("Alla kategorier", "All categories"),
        "fund_flag_filter": ("Granskningsflagga", "Review flag"),
        "fund_all_flags": ("Alla bidrag", "All grants"),
        "fund_search": ("Sök (diarienummer, projekt, kommun)", "Search (id, project, place)"),
        "fund_measure": ("Visa på kartan", "Show on the map"),
        "fund_pack_button": (
            "Ladda ner granskningsunderlag (XLSX)",
            "Download the review pack (XLSX)",
        ),
        "fund_print_button": ("Skriv ut", "Print"),
        "fund_applied": ("Sökt", "Applied"),
        "fund_granted": ("Beviljat", "Granted"),
        "fund_paid": ("Utbetalt", "Paid"),
        "fund_spent": ("Redovisat använt", "Reported spent"),
        "fund_per_inhabitant": ("{label} per invånare (kr)", "{label} per inhabitant (SEK)"),
        "fund_unit": ("kr/invånare", "SEK/inhabitant"),
        "fund_county_level": ("Varav beviljat på länsnivå", "Of which granted at county level"),
        "fund_county_level_row": (
            "Bidrag på länsnivå (ingen kommun)",
            "County-level grants (no municipality)",
        ),
        "fund_granted_share": ("Andel av beviljat (%)", "Share of granted (%)"),
        "fund_population_share": ("Andel av befolkningen (%)", "Share of population (%)"),
        "fund_gap": ("Skillnad (procentenheter)", "Gap (percentage points)"),
        "fund_gap_axis": (
            "Andel av beviljat minus andel av befolkningen (procentenheter)",
            "Share of granted minus share of population (percentage points)",
        ),
        "fund_summary_heading": ("Hela riket {period}", "All of Sweden {period}"),
        "fund_kpi_applied": ("Sökt: {applied}", "Applied: {applied}"),
        "fund_kpi_county_level": ("varav på länsnivå: {amount}", "of which county level: {amount}"),
        "fund_kpi_of_granted": ("{share} av beviljat", "{share} of granted"),
        "fund_kpi_of_paid": ("{share} av utbetalt", "{share} of paid"),
        "fund_kpi_population": ("Folkmängd {n}", "Population {n}"),
        "fund_kpi_gini": (
            "0 = lika per invånare, nära 1 = allt till en kommun",
            "0 = equal per inhabitant, near 1 = all to one",
        ),
        "fund_alloc_section": ("Fördelning per region", "Allocation per region"),
        "fund_alloc_heading": (
            "Medel per {unit}, bidragsår {period}",
            "Funds per {unit}, funding years {period}",
        ),
        "fund_alloc_note_kommun": (
            "Bidrag på länsnivå hör inte till någon kommun: de står på en egen rad och ingår i "
            "rikets summa.",
            "County-level grants belong to no municipality: they have a row of their own and are "
            "part of the national total.",
        ),
        "fund_alloc_note_lan": (
            "Ett läns summa innefattar dess bidrag på länsnivå, som också visas för sig.",
            "A county's total includes its county-level grants, also shown on their own.",
        ),
        "fund_alloc_note_polisregion": (
            "En polisregions summa är summan av dess län, bidrag på länsnivå inräknade.",
            "A police region's total is the sum of its counties', county-level grants included.",
        ),
        "fund_gap_caption": (
            "Diagrammet visar för varje region andelen av beviljade medel minus andelen av "
            "befolkningen, i procentenheter, sorterat: blått (till höger) får mer än sin andel av "
            "befolkningen, orange randigt (till vänster) mindre. Samma siffror finns i tabellen "
            "”{table}” under diagrammet.",
            "For each region the chart shows its share of the granted funds minus its share of "
            "the population, in percentage points, sorted: blue (right) gets more than its share "
            "of the population, hatched orange (left) less. The same figures are in the table "
            "“{table}” below the chart.",
        ),
        "fund_gap_caption_ends": (
            "Diagrammet visar de {n} kommuner som får mest och de {n} som får minst i förhållande "
            "till sin andel av befolkningen: andelen av beviljade medel minus andelen av "
            "befolkningen, i procentenheter. Alla kommuner finns i tabellen ”{table}” under "
            "diagrammet.",
            "The chart shows the {n} municipalities that get the most and the {n} that get the "
            "least relative to their share of the population: share of granted minus share of "
            "population, in percentage points. Every municipality is in the table “{table}” "
            "below the chart.",
        ),
        "fund_map_section": ("Karta: medel per invånare", "Map: funds per inhabitant"),
        "fund_map_caption": (
            "Kartan visar för varje {unit} {label} för {period}, i kr per invånare; mörkare är "
            "mer. ”{none}” är en egen grå klass. Samma siffror finns i tabellen ”{table}”.",
            "For each {unit} the map shows {label} for {period}, in SEK per inhabitant; darker is "
            "more. “{none}” is a grey class of its own. The same figures are in the table "
            "“{table}”.",
        ),
        "fund_map_picture": (
            "Kartan som bild, för utskrift; siffrorna finns i tabellen ovan",
            "The map as a picture, for print; the figures are in the table above",
        ),
        "fund_none_granted": ("Inget beviljat", "Nothing granted"),
        "fund_none_paid": ("Inget utbetalt", "Nothing paid"),
        "fund_none_spent": ("Inget redovisat", "Nothing reported"),
        "fund_focus_section": ("Fokusområden och år", "Focus areas and years"),
        "fund_category_heading": (
            "Beviljat per kategori, bidragsår {period}",
            "Granted per category, funding years {period}",
        ),
        "fund_granted_nation": ("Beviljat, riket", "Granted, Sweden"),
        "fund_share_nation": ("Andel, riket (%)", "Share, Sweden (%)"),
        "fund_granted_in": ("Beviljat, {name}", "Granted, {name}"),
        "fund_share_in": ("Andel, {name} (%)", "Share, {name} (%)"),
        "fund_category_caption": (
            "Diagrammet visar varje kategoris andel av beviljade medel i riket och, när en region "
            "är vald, i regionen. Beloppen finns i tabellen ”{table}” under diagrammet.",
            "The chart shows each category's share of the granted funds in Sweden and, when a "
            "region is chosen, in that region. The amounts are in the table “{table}” below.",
        ),
        "fund_trend_heading": (
            "Sökt, beviljat, utbetalt och använt per år – {name}",
            "Applied, granted, paid and spent per year – {name}",
        ),
        "fund_trend_caption": (
            "Diagrammet visar sökt, beviljat, utbetalt och redovisat använt per år i miljoner "
            "kronor. Samma siffror finns i tabellen ”{table}” under diagrammet.",
            "The chart shows applied, granted, paid and reported spent per year in millions of "
            "SEK. The same figures are in the table “{table}” below the chart.",
        ),
        "fund_conc_section": ("Koncentration", "Concentration"),
        "fund_conc_heading": (
            "Koncentration av kommunala bidrag per år och för perioden",
            "Concentration of municipal grants per year and for the period",
        ),
        "fund_period": ("Period", "Period"),
        "fund_gini": ("Gini-koefficient", "Gini coefficient"),
        "fund_without": ("Kommuner utan bidrag", "Municipalities without a grant"),
        "fund_with": ("Kommuner med bidrag", "Municipalities with a grant"),
        "fund_municipal_granted": ("Beviljat till kommuner", "Granted to municipalities"),
        "fund_equality": ("Lika per invånare", "Equal per inhabitant"),
        "fund_lorenz": ("Lorenzkurva", "Lorenz curve"),
        "fund_lorenz_x": ("Kumulativ andel av befolkningen", "Cumulative share of population"),
        "fund_lorenz_y": ("Kumulativ andel av beviljat", "Cumulative share of granted"),
        "fund_lorenz_caption": (
            "Lorenzkurvan för kommunala bidrag under perioden, kommunerna ordnade efter beviljat "
            "per invånare: ju längre från diagonalen, desto mer koncentrerade. "
            "Gini-koefficienten och antalet kommuner utan bidrag per år och för perioden finns i "
            "tabellen ”{table}”.",
            "The Lorenz curve of municipal grants over the period, municipalities ordered by "
            "granted per inhabitant: the further from the diagonal, the more concentrated. The "
            "Gini coefficient and the municipalities without a grant per year and for the period "
            "are in the table “{table}”.",
        ),
        "fund_grants_section": ("Bidrag och granskningsflaggor", "Grants and review flags"),
        "fund_flags_heading": (
            "Granskningsflaggor per {unit}, bidragsår {period}",
            "Review flags per {unit}, funding years {period}",
        ),
        "fund_decisions_count": ("Antal beslut", "Decisions"),
        "fund_grants_count": (
            "Antal bidrag (beviljat mer än 0 kr)",
            "Grants (more than 0 granted)",
        ),
        "fund_grants_heading": ("Bidrag, bidragsår {period}", "Grants, funding years {period}"),
        "fund_grants_filter_note": (
            "Listan följer urvalet ovan (region, kategori, flagga, sökord). Välj ett diarienummer "
            "för att se var siffrorna kommer ifrån.",
            "The list follows the selection above (region, category, flag, search). Choose an id "
            "to see where its numbers come from.",
        ),
        "fund_grant_id": ("Diarienummer", "Grant id"),
        "fund_decision_date": ("Beslutsdatum", "Decision date"),
        "fund_funding_year": ("Bidragsår", "Funding year"),
        "fund_recipient": ("Kommun eller län", "Municipality or county"),
        "fund_county_recipient": ("{name} (länsnivå)", "{name} (county level)"),
        "fund_title": ("Projekt", "Project"),
        "fund_project_status": ("Projektstatus", "Project status"),
        "fund_effect_evaluated": ("Effekt utvärderad", "Effect evaluated"),
        "fund_flags": ("Flaggor", "Flags"),
        "fund_no_flags": ("Inga", "None"),
        "fund_register_file": ("Registerfil", "Register file"),
        "fund_report_file": ("Rapportfil", "Report file"),
        "fund_received": ("Mottagen", "Received"),
        "fund_project_no": ("Projekt nr", "Project no."),
        "fund_provenance_heading": (
            "Var siffrorna kommer ifrån: {grant_id}",
            "Where the numbers come from: {grant_id}",
        ),
        "fund_sources_heading": (
            "Rapporter som anger {grant_id}",
            "Reports that name {grant_id}",
        ),
        "fund_no_sources": (
            "Ingen aktuell rapport anger bidraget.",
            "No current report names the grant.",
        ),
        "fund_unknown_grant": (
            "Bidraget {grant_id} finns inte i bidragsregistret.",
            "The grant {grant_id} is not in the grant register.",
        ),
        "fund_pack_summary": ("Sammanfattning", "Summary"),
        "fund_pack_regions": ("Regioner", "Regions"),
        "fund_pack_grants": ("Bidrag", "Grants"),
        "fund_pack_flags": ("Flaggor", "Flags"),
        "fund_pack_title": (
            "Granskningsunderlag: utvecklingsmedel {period}",
            "Review pack: development grants {period}",
        ),
        "fund_pack_synthetic": (
            "Syntetiska demodata – inte verklig statistik",
            "Synthetic demo data – not real statistics",
        ),
        "fund_pack_filters": ("Urval", "Selection"),
        "fund_pack_version": ("Datalagrets version", "Warehouse version"),
        "fund_pack_built": ("Datalagret byggt (UTC)", "Warehouse built (UTC)"),
        "fund_pack_figures": (
            "Nyckeltal, hela riket, bidragsår {period}",
            "Key figures, all of Sweden, funding years {period}",
        ),
        "fund_rejected_count": ("Avslagna ansökningar (beviljat 0 kr)", "Applications refused"),
        # -- the Kolada-shaped API (dashboard/api/, docs/api.md): what a value is, per kind --
        "api_group_reporting": ("Rapportering", "Reporting"),
        "api_group_coverage": ("Brottsförebyggande struktur", "Crime-prevention structure"),
        "api_group_funds": ("Utvecklingsmedel", "Development grants"),
        "api_unit_yes_no": (
            "1 = ja, 0 = nej; för län, riket och grupper procent",
            "1 = yes, 0 = no; for counties, Sweden and groups per cent",
        ),
        "api_unit_fte": ("årsarbetare", "full-time equivalents"),
        "api_unit_count": ("antal", "count"),
        "api_unit_sek": ("kr", "SEK"),
        "api_note_received": (
            "Per kommun 1 när en aktuell rapport finns, annars 0. För län, riket och "
            "kommungrupper andelen av kommunerna som har rapporterat, i procent; count är "
            "antalet kommuner.",
            "Per municipality 1 when a current report exists, else 0. For counties, Sweden and "
            "municipality groups the share of the municipalities that reported, per cent; count "
            "is the number of municipalities.",
        ),
        "api_note_yes_no": (
            "Per kommun 1 för ja och 0 för nej; utan uppgift inget värde och status ”{status}”, "
            "aldrig 0. För län, riket och kommungrupper andelen ja i procent av de kommuner som "
            "lämnat uppgiften; count är antalet sådana kommuner.",
            "Per municipality 1 for yes and 0 for no; without the information no value and "
            "status “{status}”, never 0. For counties, Sweden and municipality groups the share "
            "of yes, per cent, of the municipalities that gave the information; count is their "
            "number.",
        ),
        "api_note_mean": (
            "Utan uppgift inget värde och status ”{status}”. För län, riket och kommungrupper "
            "medelvärdet över de kommuner som lämnat uppgiften; count är antalet sådana kommuner.",
            "Without the information no value and status “{status}”. For counties, Sweden and "
            "municipality groups the mean over the municipalities that gave it; count is their "
            "number.",
        ),
        "api_note_grants": (
            "För län, polisregioner och riket summan för kommunerna plus bidragen på länsnivå, "
            "för SKR:s kommungrupper summan för kommunerna; count är antalet kommuner.",
            "For counties, police regions and Sweden the municipalities' sum plus the "
            "county-level grants, for SKR's municipality groups the municipalities' sum; count "
            "is the number of municipalities.",
        ),
        "api_note_spent": (
            "Utan rapport inget värde och status ”{status}”. För län, riket och kommungrupper "
            "summan över de kommuner som rapporterat; count är antalet sådana kommuner.",
            "Without a report no value and status “{status}”. For counties, Sweden and "
            "municipality groups the sum over the municipalities that reported; count is their "
            "number.",
        ),
        "api_note_per_inhabitant": (
            "Beloppet delat med folkmängden i referenstabellen (för län, riket och "
            "kommungrupper hela områdets folkmängd).",
            "The amount divided by the population in the reference table (for counties, Sweden "
            "and municipality groups the whole area's population).",
        ),
        "api_note_source": ("Källa: {source}.", "Source: {source}."),
    }.items()
}


def t(key: str, lang: Lang = DEFAULT_LANG, **fmt: object) -> str:
    """The UI string ``key`` in ``lang``, formatted with ``fmt``."""
    text = STRINGS[key](lang)
    return text.format(**fmt) if fmt else text


def definition_tables() -> dict[str, dict[str, Indicator]]:
    """Every table of figures by a name for it (the definitions the open data publishes)."""
    return {
        "indicators": INDICATORS,
        "measures": MEASURES,
        "fund_measures": FUND_MEASURES,
        "fund_flags": FUND_FLAGS,
        "compare_measures": COMPARE_MEASURES,
        "data_quality": DQ_MEASURES,
        "api_measures": API_MEASURES,
    }


def figure(key: str) -> Indicator:
    """The indicator, measure, fund figure or review flag called ``key`` (KeyError if none)."""
    for table in definition_tables().values():
        if key in table:
            return table[key]
    raise KeyError(key)


def indicator_label(key: str, lang: Lang = DEFAULT_LANG) -> str:
    """The label of an indicator or measure."""
    return figure(key).label(lang)


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
