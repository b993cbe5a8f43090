"""The model file's schema: strict pydantic models, one per section of MODEL-FORMAT.md.

Units are parsed here (durations become hours, probabilities fractions); unknown keys are errors.
Cross-references (component and crew names, ``k <= n``) are checked by :mod:`hasim.model.compile`,
which knows the whole model.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from hasim.units import DURATION_PATTERN, PROBABILITY_PATTERN, parse_duration, parse_probability

MAX_UNITS = 1_000_000
"""Most units (instances of components) in a model; also the largest ``count``, crew ``size``
and ``k``. The engines pack a unit or standby group number into 22 bits of an event
(:data:`hasim.kernels.codes.MAX_TARGETS`, 4,194,304); units and groups together stay below."""
MAX_NAME_CHARS = 200
"""Longest model ``name`` (a title) and longest component or crew name."""
MAX_VALUE_CHARS = 64
"""Longest duration or probability written as text (``"15 min"``)."""
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1

_DURATION_JSON = {
    "anyOf": [
        {"type": "number", "description": "hours"},
        {"type": "string", "pattern": DURATION_PATTERN,
         "description": "e.g. 30s, 15min, 8h, 2d, 1y"},
    ]
}


def _too_long(value: object, what: str) -> None:
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        raise PydanticCustomError("too_long", "{what} is at most {n} characters, got {got}",
                                  {"what": what, "n": MAX_VALUE_CHARS, "got": len(value)})


def _duration(value: object) -> float:
    _too_long(value, "a duration")
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise PydanticCustomError("duration", "{message}", {"message": str(exc)}) from None
    except OverflowError:  # an int too large for a float
        raise PydanticCustomError("duration", "duration is too large") from None


def _probability(value: object) -> float:
    _too_long(value, "a probability")
    try:
        return parse_probability(value)
    except ValueError as exc:
        raise PydanticCustomError("probability", "{message}", {"message": str(exc)}) from None
    except OverflowError:
        raise PydanticCustomError("probability", "probability must be between 0 and 1") \
            from None


def _one_line(value: str) -> str:
    if any(c < " " or "\x7f" <= c <= "\x9f" for c in value):
        raise PydanticCustomError("one_line", "a name is one line of text (no line breaks or "
                                  "control characters)")
    return value


Duration = Annotated[float, BeforeValidator(_duration), WithJsonSchema(_DURATION_JSON)]
"""A duration in hours, written with a unit: ``30s``, ``15min``, ``8h``, ``2d``, ``1w``, ``1y``."""
PositiveDuration = Annotated[Duration, Field(gt=0)]
NonNegativeDuration = Annotated[Duration, Field(ge=0)]
Probability = Annotated[
    float,
    BeforeValidator(_probability),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0, "maximum": 1},
                              {"type": "string", "pattern": PROBABILITY_PATTERN}]}),
]
PositiveFloat = Annotated[float, Field(gt=0, allow_inf_nan=False)]
Name = Annotated[str, Field(max_length=MAX_NAME_CHARS, pattern=r"^[A-Za-z_][A-Za-z0-9_-]*$")]
Size = Annotated[int, Field(ge=1, le=MAX_UNITS, strict=True)]
"""A count of units: 1 to :data:`MAX_UNITS`."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _one_of(data: dict[str, Any], *groups: tuple[str, ...]) -> None:
    """Require exactly one of the parameter sets ``groups`` to be given in full."""
    given = {k for k, v in data.items() if v is not None}
    matches = [g for g in groups if set(g) <= given]
    if len(matches) != 1 or not given <= set().union(*groups):
        options = " or ".join("(" + ", ".join(g) + ")" for g in groups)
        raise PydanticCustomError(
            "law_parameters",
            "give one parameter set: {options}; got ({got})",
            {"options": options, "got": ", ".join(sorted(given))},
        )
    extra = given - set(matches[0])
    if extra:
        raise PydanticCustomError(
            "law_parameters",
            "{extra} cannot be combined with ({chosen})",
            {"extra": ", ".join(sorted(extra)), "chosen": ", ".join(matches[0])},
        )


# --- laws ------------------------------------------------------------------------------------


class Exponential(Strict):
    """Exponential law: ``mean`` (the MTBF or MTTR) or ``rate`` (per hour)."""

    mean: PositiveDuration | None = None
    rate: PositiveFloat | None = None

    @model_validator(mode="after")
    def _check(self) -> Exponential:
        _one_of(self.__dict__, ("mean",), ("rate",))
        return self


class Weibull(Strict):
    """Weibull law: ``shape`` with ``scale`` or ``mean``; optional ``location`` (a delay)."""

    shape: PositiveFloat
    scale: PositiveDuration | None = None
    mean: PositiveDuration | None = None
    location: NonNegativeDuration = 0.0

    @model_validator(mode="after")
    def _check(self) -> Weibull:
        _one_of({"scale": self.scale, "mean": self.mean}, ("scale",), ("mean",))
        if self.mean is not None and self.mean <= self.location:
            raise PydanticCustomError("law_parameters", "mean must be greater than location")
        return self


class Lognormal(Strict):
    """Lognormal law: ``mean`` with ``cv``, or ``median`` with ``sigma``, or ``mu`` with ``sigma``.

    ``mu`` and ``sigma`` are the mean and standard deviation of the log of the time in hours.
    """

    mean: PositiveDuration | None = None
    cv: PositiveFloat | None = None
    median: PositiveDuration | None = None
    sigma: PositiveFloat | None = None
    mu: Annotated[float, Field(allow_inf_nan=False)] | None = None

    @model_validator(mode="after")
    def _check(self) -> Lognormal:
        _one_of(self.__dict__, ("mean", "cv"), ("median", "sigma"), ("mu", "sigma"))
        return self


class Gamma(Strict):
    """Gamma law: ``shape`` with ``mean`` or ``scale``."""

    shape: PositiveFloat
    mean: PositiveDuration | None = None
    scale: PositiveDuration | None = None

    @model_validator(mode="after")
    def _check(self) -> Gamma:
        _one_of({"mean": self.mean, "scale": self.scale}, ("mean",), ("scale",))
        return self


class Normal(Strict):
    """Normal law with ``mean`` and ``sd``, truncated at zero."""

    mean: PositiveDuration
    sd: PositiveDuration


class Uniform(Strict):
    """Uniform law between ``min`` and ``max``."""

    min: NonNegativeDuration
    max: PositiveDuration

    @model_validator(mode="after")
    def _check(self) -> Uniform:
        if self.max <= self.min:
            raise PydanticCustomError("law_parameters", "max must be greater than min")
        return self


class Empirical(Strict):
    """Resampling of observed durations: ``values: [...]`` or ``file:`` (a CSV) with ``column:``.

    ``file`` is relative to the model file (``../data/repairs.csv`` for a model in ``models/``).
    """

    values: Annotated[list[NonNegativeDuration], Field(min_length=1)] | None = None
    file: Annotated[str, Field(min_length=1, max_length=1024)] | None = None
    column: Annotated[str, Field(max_length=MAX_NAME_CHARS)] | None = None
    unit: Literal["s", "min", "h", "d", "w", "mo", "y"] = "h"
    """Unit of the numbers in the CSV column."""

    @model_validator(mode="after")
    def _check(self) -> Empirical:
        _one_of(self.__dict__ | {"unit": None}, ("values",), ("file", "column"))
        return self


LAW_NAMES = ("exponential", "weibull", "lognormal", "gamma", "normal", "uniform", "fixed",
             "empirical")


def _law_shorthand(value: object) -> object:
    """A bare duration is an exponential law with that mean (``0s``: no delay); a law is one
    key."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            too_long = isinstance(value, str) and len(value) > MAX_VALUE_CHARS
            zero = not too_long and parse_duration(value) == 0.0
        except (ValueError, OverflowError):
            zero = False  # reported with its path by the exponential mean's own validation
        return {"fixed": value} if zero else {"exponential": {"mean": value}}
    if isinstance(value, dict):
        _one_key(value, LAW_NAMES, "a law is a duration (exponential with that mean) or one of",
                 "its parameters")
    return value


def _one_key(value: dict[Any, Any], names: tuple[str, ...], what: str, needs: str) -> None:
    """A mapping that must hold exactly one of ``names``, with a value."""
    keys = [k for k in value if k in names]
    if len(value) != 1 or not keys:
        got = [str(k)[:40] for k in list(value)[:5]] + (["..."] if len(value) > 5 else [])
        raise PydanticCustomError(
            "one_key", "{what} {names}; got keys {keys}",
            {"what": what, "names": ", ".join(names), "keys": ", ".join(got) or "none"},
        )
    if value[keys[0]] is None:
        raise PydanticCustomError("one_key", "{key} needs {needs}",
                                  {"key": keys[0], "needs": needs})


class Law(Strict):
    """A probability law for a duration: exactly one key, or a bare duration (exponential mean)."""

    exponential: Exponential | None = None
    weibull: Weibull | None = None
    lognormal: Lognormal | None = None
    gamma: Gamma | None = None
    normal: Normal | None = None
    uniform: Uniform | None = None
    fixed: NonNegativeDuration | None = None
    empirical: Empirical | None = None

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        # in the schema as in files: a bare duration (exponential mean) or one law
        return {"anyOf": [_DURATION_JSON, handler(core_schema)],
                "description": "a duration (exponential with that mean) or one law"}

    @property
    def name(self) -> str:
        return next(n for n in LAW_NAMES if getattr(self, n) is not None)

    @property
    def params(self) -> Any:
        return getattr(self, self.name)


LawField = Annotated[Law, BeforeValidator(_law_shorthand)]


# --- crews and components --------------------------------------------------------------------


class Crew(Strict):
    """A repair crew: at most ``size`` repairs at once, each after a ``response`` time; the next
    job by ``discipline`` (``fifo``: by the time it became ready; ``priority``: lowest component
    ``priority`` first, FIFO among equals; ``random``: a component type drawn uniformly among
    those waiting, FIFO within it)."""

    size: Size = 1
    response: LawField | None = None
    discipline: Literal["fifo", "priority", "random"] = "fifo"


EFFECTS = ("down", "latent", "data", "corrupt")


class FailureMode(Strict):
    """One of a component's competing failure modes: its own ``law`` (a lifetime drawn afresh
    each life), and optionally its own ``repair``, ``detection``, ``coverage``, ``spare`` and
    ``crew`` (default: the component's), and ``effect``."""

    name: Name
    law: LawField
    repair: LawField | None = None
    detection: LawField | None = None
    coverage: Probability | None = None
    spare: Name | None = None
    crew: Name | None = None
    effect: Literal["down", "latent", "data", "corrupt"] = "down"
    """``down``: down until repaired; ``latent``: down and never noticed by monitoring (found by
    an inspection or a switchover attempt); ``data`` and ``corrupt``: down (their effect on
    datasets is recorded by mode)."""

    @model_validator(mode="after")
    def _check(self) -> FailureMode:
        if self.effect == "latent" and self.coverage not in (None, 0.0):
            raise PydanticCustomError(
                "mode", "effect: latent means coverage 0 (monitoring never notices it); "
                "remove coverage or use effect: down with coverage below 1")
        return self


class Component(Strict):
    """A component type with ``count`` identical instances: one failure mode (``failure`` and
    ``repair``) or several competing ones (``failures``)."""

    kind: Literal["hardware", "software", "process"] = "hardware"
    count: Size = 1
    failure: LawField | None = None
    repair: LawField | None = None
    failures: Annotated[list[FailureMode], Field(min_length=1, max_length=64)] | None = None
    crew: Name | None = None
    detection: LawField | None = None
    coverage: Probability = 1.0
    """Probability that monitoring notices a failure; otherwise it is latent."""
    spare: Name | None = None
    """Every repair first takes one part from this stock (``spares``)."""
    priority: Annotated[int, Field(strict=True, ge=INT64_MIN, le=INT64_MAX)] = 0
    """Crew queue order under ``discipline: priority``: lower numbers are repaired first."""

    @model_validator(mode="after")
    def _check(self) -> Component:
        if self.failures is None:
            missing = [k for k in ("failure", "repair") if getattr(self, k) is None]
            if missing:
                raise PydanticCustomError(
                    "component", "give failure and repair (one failure mode) or failures (a "
                    "list of modes); missing: {missing}", {"missing": ", ".join(missing)})
            return self
        if self.failure is not None:
            raise PydanticCustomError(
                "component", "give failure (one failure mode) or failures (a list of modes), "
                "not both")
        names = [m.name for m in self.failures]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise PydanticCustomError("component", "failure mode names must differ: {names}",
                                      {"names": ", ".join(twice)})
        if self.repair is None:
            lacking = [m.name for m in self.failures if m.repair is None]
            if lacking:
                raise PydanticCustomError(
                    "component", "failure mode(s) {names} have no repair: give each mode a "
                    "repair or the component a repair for all", {"names": ", ".join(lacking)})
        return self


# --- structure -------------------------------------------------------------------------------

Ref = Annotated[str, Field(max_length=MAX_NAME_CHARS + 20,
                           pattern=r"^[A-Za-z_][A-Za-z0-9_-]*(\[\d{1,18}\])?$")]
"""A component name (all its instances) or ``name[i]`` (one instance, counted from 0)."""


def _node_tag(value: object) -> str:
    return "_ref" if isinstance(value, str) else "_node"


def _children_tag(value: object) -> str:
    return "_ref" if isinstance(value, str) else "_list"


Node = Annotated[
    Annotated[Ref, Tag("_ref")] | Annotated["StructureNode", Tag("_node")],
    Discriminator(_node_tag),
]
Children = Annotated[
    Annotated[Ref, Tag("_ref")] | Annotated[list[Node], Field(min_length=1), Tag("_list")],
    Discriminator(_children_tag),
]


class KofN(Strict):
    """At least ``k`` of the children (or of the instances of a component) up."""

    k: Size
    of: Children


class Quorum(Strict):
    """A strict majority of the children up."""

    of: Children


class Standby(Strict):
    """One active unit serves; a spare takes over after ``switchover``, with probability
    ``coverage``."""

    of: Annotated[Ref, Tag("_ref")] | Annotated[list[Ref], Field(min_length=1)]
    mode: Literal["cold", "warm", "hot"] = "hot"
    switchover: LawField | None = None
    coverage: Probability = 1.0
    dormant_factor: Annotated[float, Field(gt=0, le=1)] | None = None
    detection: LawField | None = None
    """The cluster manager's health check: the switchover starts this long after the active
    unit's loss (default: at the unit's own detection)."""

    @model_validator(mode="after")
    def _check(self) -> Standby:
        if self.mode == "warm" and self.dormant_factor is None:
            raise PydanticCustomError(
                "standby", "mode: warm needs dormant_factor (spare failure rate / active rate)"
            )
        if self.mode != "warm" and self.dormant_factor is not None:
            raise PydanticCustomError(
                "standby", "dormant_factor applies to mode: warm only (hot spares age as active, "
                "cold spares do not age)"
            )
        return self


STRUCTURE_KEYS = ("series", "parallel", "k_of_n", "quorum", "standby")


def _one_structure_key(value: object) -> object:
    if isinstance(value, dict):
        _one_key(value, STRUCTURE_KEYS, "a structure node is a component name or one of",
                 "its children")
    return value


class StructureNode(Strict):
    """One node of the ``system`` tree: exactly one of the keys."""

    series: Children | None = None
    parallel: Children | None = None
    k_of_n: KofN | None = None
    quorum: Quorum | None = None
    standby: Standby | None = None

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _one_key(cls, value: object) -> object:
        return _one_structure_key(value)

    @property
    def kind(self) -> str:
        return next(k for k in STRUCTURE_KEYS if getattr(self, k) is not None)


StructureNode.model_rebuild()
KofN.model_rebuild()
Quorum.model_rebuild()


# --- the whole model -------------------------------------------------------------------------


# --- processes -------------------------------------------------------------------------------

Refs = Annotated[Ref, Tag("_ref")] | Annotated[list[Ref], Field(min_length=1)]
MAX_SCHEDULES = 1000
"""Most inspection or maintenance schedules in a model."""


class Inspection(Strict):
    """Proof tests on calendar time: at ``first + k·every`` (``first`` defaults to ``every``;
    with ``stagger`` instance j of n is shifted by j·every/n) each instance is inspected; it is
    out of service for ``duration``; a latent failure is found with probability
    ``coverage``."""

    of: Refs
    every: PositiveDuration
    first: NonNegativeDuration | None = None
    duration: LawField | None = None
    coverage: Probability = 1.0
    stagger: bool = False


class Maintenance(Strict):
    """Planned work: rounds at ``first + k·every``; each instance is out of service for
    ``duration``; ``rolling`` one instance after another (else all at once); ``defer`` a step
    that would take the system down; ``renews``: as good as new afterwards."""

    of: Refs
    every: PositiveDuration
    first: NonNegativeDuration | None = None
    duration: LawField
    rolling: bool = True
    defer: bool = False
    renews: bool = False


class Spare(Strict):
    """A stock of parts, full at t = 0: a part taken is reordered at once (one-for-one) and
    arrives after ``lead_time``."""

    stock: Annotated[int, Field(strict=True, ge=1, le=MAX_UNITS)]
    lead_time: LawField


class ModelSpec(Strict):
    """A whole model file."""

    hasim: Literal[1]
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS),
                    AfterValidator(_one_line)]
    mission: PositiveDuration = 8760.0
    crews: dict[Name, Crew] = Field(default_factory=dict)
    components: Annotated[dict[Name, Component], Field(min_length=1)]
    system: Node
    spares: dict[Name, Spare] = Field(default_factory=dict)
    inspections: Annotated[list[Inspection], Field(max_length=MAX_SCHEDULES)] = \
        Field(default_factory=list)
    maintenance: Annotated[list[Maintenance], Field(max_length=MAX_SCHEDULES)] = \
        Field(default_factory=list)

    def to_data(self) -> dict[str, Any]:
        """The resolved model as plain data (hours, fractions), for manifests."""
        return self.model_dump(mode="json", exclude_none=True)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of model files, for editors."""
    schema = ModelSpec.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "hasim model"
    return schema
