"""Seeded picks shared by the world, the grants and the reports.

Weighted draws of distinct keys, the focus areas offices choose (with how often each is chosen),
and the Swedish titles they give their citizen promises and grant-funded projects.
"""

from __future__ import annotations

import random

from pipelines.contract import FOCUS_AREAS

PLACES = ("centrum", "stationsområdet", "torget", "hamnen", "resecentrum", "skolområdena")
PROMISE_TITLES: dict[str, tuple[str, ...]] = {
    "public_space_safety": (
        "Fler trygghetsvandringar i {place}",
        "Bättre belysning längs gång- och cykelvägar",
        "Ökad närvaro av polis och kommun i {place}",
    ),
    "youth_crime": (
        "Förebygga ungdomsbrottslighet vid {place}",
        "Fler vuxna ute på helgkvällar",
    ),
    "drugs": (
        "Minska narkotikaförsäljningen i {place}",
        "Tidiga insatser mot narkotika bland unga",
    ),
    "domestic_violence": ("Stärkt stöd till våldsutsatta", "Mer kunskap om våld i nära relationer"),
    "school": ("Trygg skolväg för alla elever", "Samverkan mot skolfrånvaro"),
    "urban_planning": ("Tryggare utemiljöer vid nybyggnation", "Röj upp och rusta upp i {place}"),
    "technical_protection": ("Kameror och bättre lås vid {place}",),
    "property_marking": ("Stöldmärkning av cyklar och båtmotorer",),
    "information_campaign": ("Informationskampanj om bedrägerier mot äldre",),
    "organised_crime": ("Störa den organiserade brottsligheten i {place}",),
    "lifestyle_crime": ("Förebygga livsstilskriminalitet bland unga vuxna",),
    "victim_support": ("Snabbare stöd till brottsutsatta",),
    "parent_support": ("Föräldrastöd för tonårsföräldrar",),
    "exit_programme": ("Stöd till den som vill lämna kriminalitet",),
    "it_crime": ("Skydda äldre mot it-bedrägerier",),
    "other": ("Trygg sommar i {place}",),
}
PROJECT_TITLES: dict[str, tuple[str, ...]] = {
    "public_space_safety": ("Trygg stadsmiljö", "Trygghetsskapande åtgärder i {place}"),
    "youth_crime": ("Unga i fokus", "Tidiga insatser för unga i riskzon"),
    "drugs": ("Drogfri ungdomstid", "Förebyggande arbete mot narkotika"),
    "domestic_violence": ("Våldsförebyggande arbete i skolan",),
    "school": ("Trygg skola", "Skolan som skyddsfaktor"),
    "urban_planning": ("Situationell prevention i {place}",),
    "technical_protection": ("Tekniskt brottsförebyggande i {place}",),
    "organised_crime": ("Motverka rekrytering till kriminella nätverk",),
    "lifestyle_crime": ("Vägen ut ur livsstilskriminalitet",),
    "parent_support": ("Föräldraskap i fokus",),
    "exit_programme": ("Avhopparverksamhet i samverkan",),
    "information_campaign": ("Trygghetskampanj",),
    "victim_support": ("Stöd till brottsutsatta",),
    "it_crime": ("Digital trygghet för äldre",),
    "property_marking": ("Märk din egendom",),
    "other": ("Kunskapsbaserat brottsförebyggande arbete",),
}
# How often each focus area is chosen (agreements, promises, projects, measures).
FOCUS_WEIGHTS = {
    "public_space_safety": 10,
    "youth_crime": 9,
    "drugs": 7,
    "school": 5,
    "domestic_violence": 4,
    "organised_crime": 4,
    "urban_planning": 4,
    "technical_protection": 3,
    "parent_support": 3,
    "lifestyle_crime": 2,
    "information_campaign": 2,
    "exit_programme": 2,
    "victim_support": 2,
    "property_marking": 1,
    "it_crime": 1,
    "other": 1,
}
assert set(FOCUS_WEIGHTS) == set(FOCUS_AREAS)


def weighted(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """k distinct keys drawn by weight (Efraimidis-Spirakis), in a reproducible order."""
    keyed = sorted(
        ((rng.random() ** (1 / w), key) for key, w in weights.items() if w > 0), reverse=True
    )
    return [key for _, key in keyed[:k]]


def focus(rng: random.Random, k: int) -> list[str]:
    return weighted(rng, FOCUS_WEIGHTS, k)


def title(rng: random.Random, titles: dict[str, tuple[str, ...]], area: str) -> str:
    return rng.choice(titles[area]).format(place=rng.choice(PLACES))
