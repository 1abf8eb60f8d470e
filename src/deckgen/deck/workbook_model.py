"""The workbook model: typed agenda, activities and worksheets of a facilitator workbook."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from deckgen.diagnostics import Pos

_NOWHERE = Pos(Path("."))

@dataclass(frozen=True)
class Label:
    """A word a drawing prints, with an optional line of explanation under or beside it."""

    name: str
    note: str | None = None


@dataclass(frozen=True)
class SheetKind:
    """A worksheet kind: its engine title and note, and the words its drawing prints.

    Everything here is neutral, for any deck; a deck names its own words under `sheets:`.
    """

    title: str
    note: str  # its first sentence completes "Use it to …" in the worksheet index
    landscape: bool
    words: dict[str, tuple[Label, ...]] = field(default_factory=dict)  # by slot name


def _labels(*items: str | tuple[str, str]) -> tuple[Label, ...]:
    return tuple(Label(i) if isinstance(i, str) else Label(*i) for i in items)


# Every kind, in print order; each has a drawing in deckgen.workbook.worksheets.
SHEET_KINDS: dict[str, SheetKind] = {
    "landscape": SheetKind(
        "Landscape of examples",
        "List examples the team admires, finds familiar or dislikes, from anywhere. Under each, "
        "note what makes it work.", True, {
            "columns": _labels(("We admire", "Feels effortless; we would copy it."),
                               ("Familiar", "We see it everywhere, ours included."),
                               ("We dislike", "Gets in the way or feels pushy.")),
            "fields": _labels("Example and where you saw it", "What it does for the person",
                              "What makes it work"),
            "across": _labels("Look across:"),
            "examples": (),
        }),
    "sizing-ladder": SheetKind(
        "Sizing ladder",
        "Place each example on the step that matches its size. Tick where the team delivers "
        "today and where it wants to be.", True, {"marks": _labels("Today", "Wanted")}),
    "four-arguments": SheetKind(
        "Two-by-two grid",
        "Place each idea in the quadrant it belongs to. Then each person fills in three dots "
        "where they think the emphasis should be.", False),
    "risk-register": SheetKind(
        "Risk register",
        "Name each risk or barrier, rate it, and write one concrete step that reduces it, "
        "with an owner and a date.", True, {"prompts": _labels("From the deck:")}),
    "recipe-builder": SheetKind(
        "Recipe builder",
        "Build a recipe from one card per row. Write the card id in the box and the recipe "
        "in your own words beside it.", False, {"heads": _labels("Recipe", "By")}),
    "jtbd-pitch": SheetKind(
        "Jobs-to-be-done pitch",
        "Pitch one idea as a job the customer wants done. Say the job in the customer's "
        "words, then how you would prove it, pay for it and run it. One sheet per pitch.",
        False, {
            "leads": _labels("When", "I want to", "so I can"),
            "labels": _labels("Pitch title", "Measure: we will know it works when", "Size",
                              "Cards", "Pitched by", "Date"),
            "boxes": _labels(("First step", "What we would do first, and how small it can be."),
                             ("Why it pays", "Who gains, how much, how soon."),
                             ("Who runs it", "Who owns it, with what, every week.")),
        }),
    "effort-impact": SheetKind(
        "Effort and impact",
        "Place each idea by how much it would change and how hard it is to do.", True),
    "dot-vote": SheetKind(
        "Dot-vote tally",
        "Count the votes for each candidate. List the candidates, then each person fills in "
        "their dots. Add the totals before anyone argues.", False,
        {"candidate": _labels("Idea")}),
    "roadmap": SheetKind(
        "Roadmap",
        "Place the chosen ideas on the timeline, from the first tries to what the rest "
        "depends on.", True, {
            "columns": _labels(("Now", "next 3 months"), ("Next", "3 to 6 months"),
                               ("Later", "6 to 12 months")),
            "lanes": _labels(("Try", "tests and pilots"),
                             ("Run", "what works, running by itself"),
                             ("Build", "new features and products"),
                             ("Enable", "what the rest depends on")),
        }),
    "parking-lot": SheetKind(
        "Parking lot",
        "Park good questions that would derail the session. Write them here, give each an "
        "owner, and close the list before everyone leaves.", False),
    "card-sort": SheetKind(
        "Co-create the cards",
        "Write candidate cards under each category, then circle the ones to keep.", False),
}
WORKSHEET_KINDS = tuple(SHEET_KINDS)


@dataclass(frozen=True)
class Ref:
    """A card or category id as written in workbook.yaml, kept with its place for diagnostics."""

    id: str
    pos: Pos = _NOWHERE


@dataclass(frozen=True)
class Phase:
    id: str
    name: str
    summary: str | None = None
    pos: Pos = _NOWHERE


@dataclass(frozen=True)
class Step:
    do: str
    minutes: int
    pos: Pos = _NOWHERE
    base: int | None = None  # in a plan: the number of the activity's own step it keeps


@dataclass(frozen=True)
class Plan:
    """The steps of an activity for one agenda: kept steps (maybe retimed) and added ones."""

    agenda: str
    steps: tuple[Step, ...]
    pos: Pos = _NOWHERE

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)


@dataclass(frozen=True)
class Activity:
    id: str
    title: str
    purpose: str
    steps: tuple[Step, ...]
    phase: str | None = None
    grouping: str | None = None
    materials: tuple[str, ...] = ()
    say: tuple[str, ...] = ()
    cards: tuple[Ref, ...] = ()
    categories: tuple[Ref, ...] = ()
    worksheet: str | None = None
    output: str | None = None
    pitfalls: tuple[str, ...] = ()
    plans: tuple[Plan, ...] = ()  # per agenda id; an agenda without one runs `steps`
    pos: Pos = _NOWHERE

    @property
    def minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    def plan(self, agenda_id: str) -> Plan | None:
        return next((plan for plan in self.plans if plan.agenda == agenda_id), None)


@dataclass(frozen=True)
class Slot:
    """One line of an agenda: an activity, a plain item, or a break."""

    minutes: int
    activity: str | None = None
    title: str | None = None
    is_break: bool = False
    materials: tuple[str, ...] | None = None  # None: take the activity's
    output: str | None = None
    note: str | None = None
    pos: Pos = _NOWHERE


@dataclass(frozen=True)
class Day:
    title: str
    start: int  # minutes after midnight
    slots: tuple[Slot, ...]

    @property
    def end(self) -> int:
        return self.start + sum(slot.minutes for slot in self.slots)


# An online session needs a break at least this often (minutes): screens tire people sooner.
REMOTE_STRETCH = 60


@dataclass(frozen=True)
class Agenda:
    id: str
    title: str
    days: tuple[Day, ...]
    summary: str | None = None
    remote: bool = False  # run online: the remote kit prints it, and breaks are checked


@dataclass(frozen=True)
class Role:
    name: str
    does: tuple[str, ...] = ()
    count: str | None = None


@dataclass(frozen=True)
class Participant:
    who: str
    why: str | None = None


@dataclass(frozen=True)
class ChecklistStage:
    when: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Materials:
    in_person: tuple[str, ...] = ()
    remote: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorksheetSpec:
    kind: str  # one of SHEET_KINDS
    title: str | None = None  # None: the kind's own title
    note: str | None = None  # instructions printed under the title


@dataclass(frozen=True)
class Group:
    """The group a workshop plans for; worksheets size their dots and boxes from it."""

    people: int = 12
    votes: int = 3  # dots each person puts on the two-by-two grid
    dots: int = 5  # dots each person has in the final vote
    per_idea: int = 2  # the most of them one person may put on one idea
    examples: int = 30  # examples the landscape should have room for

    @property
    def grid_votes(self) -> int:
        """Every grid vote can land in one quadrant, so each needs room for all of them."""
        return self.people * self.votes

    @property
    def idea_votes(self) -> int:
        return self.people * min(self.per_idea, self.dots)


# What a filled-in example of each kind may fill: 0 for one text, n for a list of n-cell rows.
EXAMPLE_FIELDS: dict[str, dict[str, int]] = {
    "recipe-builder": {"name": 0, "by": 0, "rows": 2},  # rows: card id, the words
    "risk-register": {"rows": 6},  # risk, likelihood, impact, first step, owner, by when
    "jtbd-pitch": {"title": 0, "when": 0, "want": 0, "so": 0, "measure": 0, "size": 0,
                   "cards": 1, "boxes": 1, "by": 0, "date": 0},
    "roadmap": {"notes": 3},  # column name, lane name, the note
}


@dataclass(frozen=True)
class Example:
    """A worksheet printed a second time, filled in with a worked example."""

    kind: str  # one of EXAMPLE_FIELDS
    title: str | None = None
    note: str | None = None
    texts: dict[str, str] = field(default_factory=dict)
    rows: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    refs: tuple[Ref, ...] = ()  # the card ids it names, checked against the deck
    pos: Pos = _NOWHERE

    def text(self, key: str) -> str:
        return self.texts.get(key, "")


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str


@dataclass(frozen=True)
class Levels:
    """The size steps of the deck: ladder, pitch sheet, card reference and catalogue."""

    category: Ref | None = None  # its cards, in order, name and describe the steps
    ids: tuple[str, ...] = ()  # the catalogue's `level:` values, step by step


@dataclass(frozen=True)
class RecipeRow:
    """One row of a recipe: the categories with `role` fill it."""

    role: str
    word: str  # what the row reads as, e.g. IF
    label: str  # what the row holds, when no category has the role
    meaning: str | None = None  # the role in a few words, for the category legend
    guardrail: bool = False  # a row only the recipe builder prints, after the others


@dataclass(frozen=True)
class AnatomyPart:
    """A part of the anatomy card to call out: a layout element (or a flow's field)."""

    element: str  # e.g. title, or flow.prompts for the prompts inside the flow element
    name: str
    note: str | None = None


@dataclass(frozen=True)
class SheetWords:
    """A deck's own title, note and words for one worksheet kind."""

    title: str | None = None
    note: str | None = None
    words: dict[str, tuple[Label, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class SectionText:
    """A deck's own title and introduction for one engine section."""

    title: str | None = None
    intro: tuple[str, ...] | None = None  # None: the engine's; () prints none
    columns: tuple[str, ...] = ()  # a table's column heads, where the section has a table


# Sections whose title and introduction a deck may give under `sections:`.
SECTION_IDS = ("contents", "how-to-use", "blank-cards", "roles", "checklist", "materials",
               "agenda", "worksheets", "card-reference", "catalogue", "glossary")


@dataclass(frozen=True)
class Workbook:
    title: str | None = None
    intro: tuple[str, ...] = ()
    anatomy: Ref | None = None  # the card shown with its parts labelled
    phases: tuple[Phase, ...] = ()
    roles: tuple[Role, ...] = ()
    participants: tuple[Participant, ...] = ()
    checklist: tuple[ChecklistStage, ...] = ()
    materials: Materials | None = None
    agendas: tuple[Agenda, ...] = ()
    activities: tuple[Activity, ...] = ()
    worksheets: tuple[WorksheetSpec, ...] | None = None  # None: the default set
    glossary: tuple[GlossaryEntry, ...] = ()
    group: Group = field(default_factory=Group)
    examples: tuple[Example, ...] = ()
    # What the engine draws from this deck's own words and cards (see docs/workbook-format.md).
    ladder: Levels | None = None  # the size steps: `ladder:` in workbook.yaml
    anatomy_parts: tuple[AnatomyPart, ...] = ()  # none: every part the card drew, by name
    families: dict[str, str] = field(default_factory=dict)  # family id -> printed name
    grid: Ref | None = None  # the card whose items and axes make the two-by-two grid
    risk_register: Ref | None = None  # the category whose card titles prompt the register
    recipe: tuple[RecipeRow, ...] = ()  # None given: one row per category with a role
    sheets: dict[str, SheetWords] = field(default_factory=dict)
    sections: dict[str, SectionText] = field(default_factory=dict)

    def activity(self, activity_id: str) -> Activity | None:
        for act in self.activities:
            if act.id == activity_id:
                return act
        return None

    def phase(self, phase_id: str | None) -> Phase | None:
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        return None
