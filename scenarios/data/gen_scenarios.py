#!/usr/bin/env python3
"""Generates scenarios/china-2020.toml, scenarios/hubei-2020.toml and their CSV inputs.

Usage:  python3 scenarios/data/gen_scenarios.py [scenario-dir]

The scenario files are the source of truth that the simulator reads; this script only keeps
the 31-province file and the Hubei file consistent with one table of figures. Every figure
carries its citation (a row of /work/shared/data/china-2020-inputs.md, written `data: "..."`)
or the word `estimate` with a reason, and those notes are copied into the TOML comments.
A few calibration knobs (N95_PER_SHIFT, SUIT_PER_SHIFT, COVER_DAYS, TRUNK_TRUCKS, HUBEI_TRUCKS,
EXPRESS_TRUCKS, COMMUNITY_BASE, COMMUNITY_RETURN) can be overridden from the environment for
sensitivity runs; the committed files use the defaults. The calibration notes at the end of
each TOML quote measured outputs: re-measure them if figures change.
"""
import csv
import io
import json
import math
import os
import re
import sys


def census(pop, e0, i0, r0, inc, inf, contact, cf, sev, stay, days, admit=(0, 0, 0, 0), icu=0):
    """Python replica of src/demand/seir.rs (explicit Euler, 24 sub-steps a day): daily census of
    patients in care by severity, with the initial infectious as onsets on day 0, onset ->
    admission delays `admit` per class and, for critical cases, `icu` days counted as severe
    before their critical stay. Used only (with the central values of the parameters) to size
    stocks and reorder points and to report the calibration; the simulator computes its own
    epidemic, drawn per replication, from the [[region]] tables."""
    n = pop
    s, ex, i = n - e0 - i0, e0, i0
    sigma, gamma, h = 1 / inc, 1 / inf, 1 / 24
    onsets = [0.0] * days
    for d in range(days):
        c = 1.0
        for dd, f in contact:
            if dd <= d:
                c = f
        beta = r0 * gamma * c
        for _ in range(24):
            infect = min(beta * s * i / n * h, s)
            prog = min(sigma * ex * h, ex)
            rec = min(gamma * i * h, i)
            s -= infect
            ex += infect - prog
            i += prog - rec
            onsets[d] += prog
    if days:
        onsets[0] += i0

    def window(d, lag, length):
        last = d - lag
        return sum(onsets[max(0, last + 1 - length):last + 1]) if last >= 0 else 0.0

    adm = [int(round(a)) for a in admit]
    pre = int(round(icu))
    out = [[0.0] * 4 for _ in range(days)]
    for k in range(4):
        st = int(round(stay[k]))
        if st == 0 or cf * sev[k] == 0:
            continue
        lag = adm[k] + (pre if k == 3 else 0)
        for d in range(days):
            out[d][k] += cf * sev[k] * window(d, lag, st)
            if k == 3 and pre > 0:
                out[d][2] += cf * sev[k] * window(d, adm[k], pre)
    return out, onsets

OUTDIR = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ENV = os.environ


def knob(name, default):
    """Calibration knobs (overridable from the environment while calibrating)."""
    return type(default)(ENV.get(name, default))


DAYS = 90
START = "2020-01-24"

# ------------------------------------------------------------------------------------------
# Provinces: id, region name, population (M, 2019 statistical yearbook, rounded), capital
# latitude/longitude (for distances), approximate cumulative confirmed cases to mid-March 2020
# (NHC daily reports; used only to size the seed of each provincial epidemic: estimate),
# risk level on day 0 and the day it fell to low (provincial emergency-response downgrades,
# 21 Feb - 25 Mar 2020: estimate from public announcements).
PROV = [
    ("beijing", "Beijing", 21.5, 39.90, 116.40, 580, "medium", None),
    ("tianjin", "Tianjin", 15.6, 39.13, 117.20, 136, "low", None),
    ("hebei", "Hebei", 75.9, 38.04, 114.51, 318, "low", None),
    ("shanxi", "Shanxi", 37.3, 37.87, 112.55, 133, "low", None),
    ("innermongolia", "InnerMongolia", 25.4, 40.84, 111.75, 75, "low", None),
    ("liaoning", "Liaoning", 43.5, 41.80, 123.43, 125, "low", None),
    ("jilin", "Jilin", 26.9, 43.82, 125.32, 93, "low", None),
    ("heilongjiang", "Heilongjiang", 37.5, 45.80, 126.53, 482, "medium", 61),
    ("shanghai", "Shanghai", 24.3, 31.23, 121.47, 340, "medium", 60),
    ("jiangsu", "Jiangsu", 80.7, 32.06, 118.80, 631, "low", None),
    ("zhejiang", "Zhejiang", 58.5, 30.27, 120.15, 1215, "medium", 38),
    ("anhui", "Anhui", 63.7, 31.82, 117.23, 990, "medium", 32),
    ("fujian", "Fujian", 39.7, 26.07, 119.30, 296, "low", None),
    ("jiangxi", "Jiangxi", 46.7, 28.68, 115.89, 935, "medium", 48),
    ("shandong", "Shandong", 100.7, 36.65, 117.12, 760, "low", None),
    ("henan", "Henan", 96.4, 34.75, 113.62, 1272, "medium", 55),
    ("hubei", "Hubei", 59.3, 30.59, 114.31, 68000, "high", None),
    ("hunan", "Hunan", 69.2, 28.23, 112.94, 1018, "medium", 46),
    ("guangdong", "Guangdong", 115.2, 23.13, 113.26, 1350, "medium", 31),
    ("guangxi", "Guangxi", 49.6, 22.82, 108.32, 252, "low", None),
    ("hainan", "Hainan", 9.4, 20.04, 110.34, 168, "low", None),
    ("chongqing", "Chongqing", 31.2, 29.56, 106.55, 576, "medium", 46),
    ("sichuan", "Sichuan", 83.8, 30.57, 104.07, 539, "low", None),
    ("guizhou", "Guizhou", 36.2, 26.65, 106.63, 146, "low", None),
    ("yunnan", "Yunnan", 48.6, 25.04, 102.71, 174, "low", None),
    ("tibet", "Tibet", 3.5, 29.65, 91.13, 1, "low", None),
    ("shaanxi", "Shaanxi", 38.8, 34.34, 108.94, 245, "low", None),
    ("gansu", "Gansu", 26.5, 36.06, 103.83, 91, "low", None),
    ("qinghai", "Qinghai", 6.1, 36.62, 101.78, 18, "low", None),
    ("ningxia", "Ningxia", 6.9, 38.49, 106.23, 75, "low", None),
    ("xinjiang", "Xinjiang", 25.2, 43.83, 87.62, 76, "low", None),
]
PK = {p[0]: p for p in PROV}
# Regions drawn on the report's map, filled within their outline from china-provinces.geojson
# (Natural Earth admin-1, public domain; see data/README-map.md), matched by region id unless
# named here; their lon/lat, where arrows start and names go, are the file's label points
# (the capitals above stay for road distances). RestOfChina, 17 provinces as one region, has
# no single outline and is left off the map.
MAP_FILE = "data/china-provinces.geojson"
OUTLINE = {"innermongolia": "Inner Mongol", "tibet": "Xizang"}
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "china-provinces.geojson")) as _fh:
    MAP_POINT = {f["properties"]["name"]: (f["properties"]["lon"], f["properties"]["lat"])
                 for f in json.load(_fh)["features"]}
MAP_KEYS = {p[0] for p in PROV}

# Land borders between provinces (Hainan: the Qiongzhou strait ferry to Guangdong).
ADJ = """beijing tianjin hebei
tianjin hebei
hebei shanxi innermongolia liaoning shandong henan
shanxi innermongolia shaanxi henan
innermongolia heilongjiang jilin liaoning shaanxi ningxia gansu
liaoning jilin
jilin heilongjiang
shanghai jiangsu zhejiang
jiangsu zhejiang anhui shandong
zhejiang anhui jiangxi fujian
anhui jiangxi hubei henan shandong
fujian jiangxi guangdong
jiangxi hubei hunan guangdong
shandong henan
henan shaanxi hubei
hubei hunan chongqing shaanxi
hunan guangdong guangxi guizhou chongqing
guangdong guangxi hainan
guangxi guizhou yunnan
chongqing guizhou sichuan shaanxi
sichuan guizhou yunnan tibet qinghai gansu shaanxi
guizhou yunnan
yunnan tibet
tibet xinjiang qinghai
shaanxi ningxia gansu
gansu xinjiang qinghai ningxia"""


def edges(keep):
    out = []
    for line in ADJ.splitlines():
        a, *bs = line.split()
        for b in bs:
            if a in keep and b in keep:
                out.append((a, b))
    return out


def road_km(a, b):
    la1, lo1 = math.radians(PK[a][3]), math.radians(PK[a][4])
    la2, lo2 = math.radians(PK[b][3]), math.radians(PK[b][4])
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h)) * 1.25  # great circle x 1.25 road detour (estimate)


# ------------------------------------------------------------------------------------------ formatting
def num(x, nd=3):
    if abs(x - round(x)) < 1e-9 and abs(x) >= 1000:
        return f"{int(round(x)):_}"
    s = f"{x:.{nd}f}".rstrip("0").rstrip(".")
    return s if s not in ("", "-0") else "0"


def whole(x):
    return f"{int(round(x)):_}"


def comma(x):
    return f"{int(round(x)):,}"


def tri(a, m, b):
    return f'{{ dist = "triangular", min = {num(a)}, mode = {num(m)}, max = {num(b)} }}'


def uni(a, b):
    return f'{{ dist = "uniform", min = {num(a)}, max = {num(b)} }}'


def fixed(v):
    return f'{{ dist = "fixed", value = {num(v)} }}'


def expo(mean, mn):
    return f'{{ dist = "exponential", mean = {num(mean)}, min = {num(mn)} }}'


class Out:
    def __init__(self):
        self.lines = []

    def __call__(self, s=""):
        self.lines.extend(s.split("\n") if s else [""])

    def text(self):
        return "\n".join(self.lines).rstrip() + "\n"


# ------------------------------------------------------------------------------------------ epidemics
SEV = [0.40, 0.40, 0.15, 0.05]       # data: "Severity split (WHO ESFT)"
STAY = [14, 21, 7, 14]                # severe 7, critical 14: data ESFT; mild 14, moderate 21: estimate
STAFF = [0.4, 1.4, 2.3, 4.1]          # data: "Health-worker hours per patient-day"; mild: estimate
R0 = 2.6
INCUBATION = 5.2
INFECTIOUS = 5
ADMIT = [2, 2, 4, 4]                  # central onset -> admission delays (days), per class
ICU = 1                               # central admission -> ICU delay of critical cases (days)

# Epidemic uncertainty: each parameter below is drawn once per replication (triangular: min,
# central value, max); the central values are the scenario's own (above), the ranges are:
#  - r0: literature, Li et al. 2020 NEJM (Wuhan, first 425 cases): R0 2.2 (95 % CI 1.4-3.9).
#    The range used, 2.2-3.0 around the scenario's 2.6, is an estimate narrower than that CI:
#    the contact factors below were fitted to reported active cases with R0 = 2.6, and the
#    whole CI would give epidemics far from them.
#  - incubation_days: literature, Li et al. 2020 NEJM: mean incubation 5.2 days (95 % CI
#    4.1-7.0), used as the range.
#  - infectious_days: estimate, 4-6 around the scenario's 5.
#  - case_fraction: estimate, +/- 20 % around the fitted values (Hubei 0.163, elsewhere 0.5).
#  - severity: severe and critical shares: estimate, 12-18 % and 4-7 % around the ESFT split,
#    bracketing literature, Wu & McGoogan 2020 JAMA (China CDC, 44,672 cases: 81 % mild, 14 %
#    severe, 5 % critical). Mild and moderate stay fixed; the drawn shares are renormalised to
#    sum to 1 in each replication.
#  - stay_days: estimate, about +/- 20-30 % around the scenario's stays (severe 7 and critical
#    14 from the ESFT data row).
#  - admission_delay_days: literature, Li et al. 2020 NEJM: onset -> hospital admission 12.5
#    days (mean) for onsets before 1 Jan, shortening later (9.1 days after 1 Jan); WHO-China
#    joint mission report (Feb 2020): onset -> confirmation fell from ~12 days in early January
#    to ~3 days in early February, and onset -> severe disease ~1 week. The scenario starts on
#    24 Jan, when isolation of all suspected cases was being organised, and its epidemics were
#    fitted to reported active cases with no delay, so the delays used are an estimate at the
#    short end: mild and moderate 0-5 days (central 2), severe and critical 1-8 days (central 4).
#  - icu_delay_days: literature, Zhou et al. 2020 Lancet (Wuhan, 191 inpatients): onset ->
#    admission 11 days (median), -> ICU 12 days, -> invasive ventilation 14.5 days; so a critical
#    patient is cared for as severe for about 1-3.5 days after admission: 0-4 days (central 1),
#    estimate from those medians.
R0_RANGE = (2.2, 3.0)
INCUBATION_RANGE = (4.1, 7.0)
INFECTIOUS_RANGE = (4, 6)
CF_SPREAD = 0.2
SEVERE_RANGE = (0.12, 0.18)
CRITICAL_RANGE = (0.04, 0.07)
STAY_RANGES = [(12, 16), (17, 25), (5, 10), (10, 18)]
ADMIT_RANGES = [(0, 5), (0, 5), (1, 8), (1, 8)]
ICU_RANGE = (0, 4)
HUBEI_CONTACT = [(0, 0.8), (17, 0.3), (28, 0.1)]
OTHER_CONTACT = [(0, 0.5), (12, 0.15), (21, 0.05)]
HUBEI_I0, HUBEI_E0, HUBEI_CF = 20000, 30000, 0.163
OTHER_CF = 0.5
UNIT_ONSETS = None


def other_seed(cases):
    """Seeds (I0, E0) giving `cases` care cases with the non-Hubei contact schedule."""
    global UNIT_ONSETS
    if UNIT_ONSETS is None:
        _, on = census(50e6, 150, 100, R0, INCUBATION, INFECTIOUS, OTHER_CONTACT, 1.0, SEV, STAY, DAYS)
        UNIT_ONSETS = sum(on)
    scale = cases / OTHER_CF / UNIT_ONSETS
    return 100 * scale, 150 * scale


def epidemic_of(key, pop_m, cases):
    if key == "hubei":
        return dict(pop=pop_m * 1e6, i0=HUBEI_I0, e0=HUBEI_E0, contact=HUBEI_CONTACT, cf=HUBEI_CF)
    i0, e0 = other_seed(cases)
    return dict(pop=pop_m * 1e6, i0=i0, e0=e0, contact=OTHER_CONTACT, cf=OTHER_CF)


def census_of(ep):
    c, _ = census(ep["pop"], ep["e0"], ep["i0"], R0, INCUBATION, INFECTIOUS, ep["contact"], ep["cf"],
                  SEV, STAY, DAYS, ADMIT, ICU)
    return c


def shifts_series(c):
    return [sum(r[k] * STAFF[k] for k in range(4)) for r in c]


# ------------------------------------------------------------------------------------------ community masks
# National share of workers back at work (piecewise linear through reported points).
WORK_BACK = [(0, 0.10), (10, 0.15), (21, 0.33), (34, 0.73), (64, 0.90), (89, 0.95)]
# Hubei: data "Hubei (high risk)": 60 % of workers (23 Mar), ~70 % (28 Mar), 92 % (21 Apr).
WORK_BACK_HUBEI = [(0, 0.05), (48, 0.15), (59, 0.60), (64, 0.70), (88, 0.92), (89, 0.92)]
COMMUNITY_BASE = knob("COMMUNITY_BASE", 8.0e6)      # front-line community workers, police, transport
COMMUNITY_RETURN = knob("COMMUNITY_RETURN", 45.0e6)  # returning workers' masks at full return
NATIONAL_POP = sum(p[2] for p in PROV)


def interp(points, d):
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if d0 <= d <= d1:
            return v0 + (v1 - v0) * (d - d0) / (d1 - d0)
    return points[-1][1]


def community_masks(key, pop_m, d):
    share = pop_m / NATIONAL_POP
    back = interp(WORK_BACK_HUBEI if key == "hubei" else WORK_BACK, d)
    return share * (COMMUNITY_BASE + COMMUNITY_RETURN * back)


def date_of(d):
    import datetime
    return (datetime.date(2020, 1, 24) + datetime.timedelta(days=d)).isoformat()


def write_community_csv(path, cols):
    """cols: list of (column name, key, population M)."""
    with open(path, "w") as fh:
        fh.write("date," + ",".join(c[0] for c in cols) + "\n")
        for d in range(DAYS):
            fh.write(date_of(d) + "," + ",".join(str(int(round(community_masks(k, p, d)))) for _, k, p in cols) + "\n")


# ------------------------------------------------------------------------------------------ production
# Key (priority, large) firms per province. Units: masks M/day, N95 k/day, suits k/day,
# ventilators per day, eye protection k/day, all at full staffing.
# Mask split by province: estimate (national total from data "Masks, national capacity ≈ 21 M/day");
# N95: Hubei from data "Hubei N95 output before the epidemic 46 k/day", total 230 k from data
# "Medical N95, capacity ... NDRC ≈ 228 k"; suits: Hubei 7 k from data "Hubei protective-suit
# capacity before the epidemic", total 30 k from data "Protective suits, certified capacity".
KEY = {
    "hubei":     dict(masks=2.5, n95=46, suits=7.0, open=True,  export=4,  n95x=[30, 0],  eye=5),
    "henan":     dict(masks=4.0, n95=15, suits=3.0, open=True,  export=0,  n95x=[30, 30]),
    "jiangxi":   dict(masks=2.5, n95=0,  suits=2.0, open=False, export=0,  n95x=[0, 0]),
    "guangdong": dict(masks=3.0, n95=40, suits=3.0, open=False, export=8,  n95x=[80, 80], vent=45, ventx=90),
    "jiangsu":   dict(masks=2.5, n95=35, suits=4.0, open=True,  export=12, n95x=[60, 60], vent=25, ventx=50),
    "zhejiang":  dict(masks=2.0, n95=20, suits=4.0, open=False, export=12, n95x=[40, 50]),
    "shandong":  dict(masks=2.0, n95=20, suits=4.0, open=False, export=10, n95x=[40, 50]),
    "hebei":     dict(masks=1.0, n95=10, suits=1.5, open=False, export=0,  n95x=[15, 30]),
    "fujian":    dict(masks=0.8, n95=9,  suits=0.0, open=False, export=4,  n95x=[15, 0]),
    "shanghai":  dict(masks=0.7, n95=35, suits=1.5, open=False, export=0,  n95x=[60, 0]),
    "beijing":   dict(masks=0.0, n95=0,  suits=0.0, open=False, export=0,  n95x=[0, 0], vent=30, ventx=74),
}
# Small and medium firms and new entrants per province: new mask entrants per decision step
# (M/day, steps on MASK_STEPS), garment firms converted to suits per step (k/day, steps on
# GARMENT_STEPS), eye protection base and conversion (k/day). All estimates.
MASK_STEPS = [7, 14, 21, 28, 38]
GARMENT_STEPS = [11, 18, 25, 35]
SME = {
    "hubei":     dict(entrants=[0, 0, 0.5, 0.5, 1.0], garment=[0, 0, 6, 6]),
    "henan":     dict(entrants=[0.5, 1, 1.5, 1.5, 1.5], garment=[6, 6, 12, 6]),
    "jiangxi":   dict(entrants=[0.5, 0.5, 1, 1.5, 1.5], garment=[0, 6, 6, 6]),
    "guangdong": dict(entrants=[1, 2, 3, 3, 3], garment=[6, 12, 18, 12], eye=10, eyex=30),
    "jiangsu":   dict(entrants=[1, 1, 2, 2, 2], garment=[6, 12, 18, 18], eye=20, eyex=60),
    "zhejiang":  dict(entrants=[1, 1, 2, 2, 2], garment=[6, 12, 18, 18]),
    "shandong":  dict(entrants=[1, 1, 2, 2, 2], garment=[6, 12, 12, 12]),
    "hebei":     dict(entrants=[0.5, 0.5, 1, 1, 1], garment=[0, 6, 6, 6]),
    "fujian":    dict(entrants=[0.5, 0.5, 1, 1.5, 1.5], garment=[6, 12, 12, 12]),
}
# Mask-grade melt-blown available to each province's mask and respirator makers (t/day): the
# makers in the province plus their regular suppliers elsewhere (Shandong, Jiangsu, Zhejiang
# and Guangdong make most of it). The national 40 t/day is split in proportion to each
# province's mask capacity. Estimate, from data: "National melt-blown output 2018 | 53,523 t/year
# ≈ 147 t/day, much of it not mask-grade" and data: "Mask-grade melt-blown shortfall | > 50 %
# short of what 100 M masks/day needs" (so well under 100 t/day in March, with the new lines).
# `up` = t/day added by private makers upgrading lines to mask grade after the price spike
# (data: "Melt-blown price (CNY/t) | 18 k before -> 29 k (28 Jan) -> 80 k (12 Feb) -> 200 k+ (late
# Feb)"; upgrades of existing lines, not new ones: data: "New melt-blown line | ... equipment lead
# time 3-4 months domestic" puts new private lines beyond the horizon). `chain` = whether it also
# buys state-owned fabric (the state allocated the new Sinopec lines' output to mask makers).
MELTBLOWN = {
    "hubei":     dict(t=4.5, size="sme", up=0, chain=False),
    "henan":     dict(t=7.5, size="sme", up=1, chain=False),
    "jiangxi":   dict(t=4.5, size="sme", up=0, chain=True),
    "guangdong": dict(t=6.0, size="sme", up=4, chain=True),
    "jiangsu":   dict(t=4.5, size="large", up=2, chain=True),
    "zhejiang":  dict(t=3.5, size="sme", up=2, chain=True),
    "shandong":  dict(t=4.0, size="large", up=2, chain=True),
    "hebei":     dict(t=2.0, size="sme", up=1, chain=True),
    "fujian":    dict(t=1.5, size="sme", up=2, chain=True),
    "shanghai":  dict(t=1.5, size="large", up=0, chain=False),
}
# Spunbond / SMS non-woven makers for masks and suits (t/day, size). Xiantao in Hubei is the
# country's non-woven protective-goods base. Capacities: estimate (national non-woven output is
# two orders of magnitude above what masks and suits need; restart, not capacity, binds).
NONWOVEN = {
    "zhejiang": (80, "sme"), "jiangsu": (60, "large"), "shandong": (60, "large"), "guangdong": (50, "sme"),
    "hubei": (60, "sme"), "fujian": (40, "sme"), "henan": (40, "sme"), "hebei": (30, "sme"),
}
# Where factories in provinces without their own material makers buy.
MAT_FALLBACK = {"jiangxi": "zhejiang", "shanghai_nw": "jiangsu", "guangxi": "guangdong", "beijing": None}
VENT_PARTS = {"jiangsu": 150, "guangdong": 150}   # kits/day, SME parts makers (estimate)
VENT_PARTS_OF = {"guangdong": "guangdong", "jiangsu": "jiangsu", "beijing": "jiangsu"}


# ------------------------------------------------------------------------------------------ ECG monitors
# ECG (patient) monitors: the government guidance names them with ventilators ("呼吸机、心电监护仪
# 等医疗设备", seed §2) and MIIT made them the next priority after masks and suits (data: "Policy |
# MIIT: ventilators, ECG monitors next priority after masks/suits"). No pre-epidemic output or
# capacity was found (data: "Pre-epidemic national output/capacity of ventilators or monitors |
# not found"), so every figure below is an estimate:
# - makers: the Shenzhen cluster (Guangdong: the largest domestic maker and several others) and
#   Jiangsu's, 600 + 100 monitors/day at full staffing (estimate: ≈ 250 k a year, of the order of
#   the domestic market plus exports of China's leading makers), on the key firms' lines; no
#   modelled materials (electronics stock on hand covers the horizon: estimate);
# - expansion: + 400/day in Guangdong, decided on 3 Feb (day 10, with the ventilator ramp-up),
#   2-4 weeks to arrive (extra shifts and assembly lines; estimate);
# - use: one monitor per severe or critical patient-day (estimate: continuous ECG and SpO2
#   monitoring of severe and critical patients, standard ICU and high-dependency practice);
# - stock on 24 Jan: 30 per million people free for COVID-19 wards (estimate: a share of the
#   monitors of ICU, emergency and cardiology beds), none in the central reserve.
ECG_LINES = {"guangdong": 600, "jiangsu": 100}
ECG_EXPANSION = {"guangdong": 400}
ECG_STOCK_PER_M = 30


def add_ecg_lines(n, prov):
    """ECG-monitor lines and expansion of a province's key makers (estimates above)."""
    if prov in ECG_LINES:
        n.lines.append(("ecg_monitor", ECG_LINES[prov], 1, False, f"{ECG_LINES[prov]} ECG monitors/day (estimate)"))
    if prov in ECG_EXPANSION:
        n.conv.append((10, "ecg_monitor", ECG_EXPANSION[prov], 1, tri(14, 21, 28),
                       f"+{ECG_EXPANSION[prov]} ECG monitors/day: extra shifts and assembly lines (estimate)"))


ECG_ITEMS = """
# ECG monitors: durable, one per severe or critical patient-day (see the makers' note on
# ECG_LINES in the generator: every figure is an estimate). No modelled material.
[[product]]
id = "ecg_monitor"
unit = "monitor"
kind = "durable"
units_per_truck = 400              # boxed bedside monitors, ≈ 0.12 m³ each (estimate)

[burn.ecg_monitor]
per_patient_day = { severe = 1, critical = 1 }"""


# ------------------------------------------------------------------------------------------ helpers
def lines_of(cap, rate):
    n = int(round(cap / rate))
    assert abs(n * rate - cap) < 1e-6 * max(cap, 1), (cap, rate)
    return n


MTTF_LINE = 20.0   # days between failures of one line run round the clock (estimate)


def breakdown():
    """Failure model of one line: every working line fails on its own clock (the engine runs
    one per line up, converted lines included), so a group of n fails n times as often."""
    return f"time_to_failure_days = {expo(MTTF_LINE, 0.05)}, repair_days = {uni(0.5, 3)}"


RATE = dict(surgical_mask=100_000, n95=1_000, protective_suit=500, ventilator=1, eye_protection=5_000,
            meltblown=2_000_000, nonwoven=20_000_000, vent_parts_kit=10)
BOM_MB = dict(surgical_mask=1.0, n95=3.0)          # g of melt-blown per unit
BOM_NW = dict(surgical_mask=2.0, n95=4.0, protective_suit=180.0)
PRODUCTS = ["surgical_mask", "n95", "protective_suit", "ventilator", "eye_protection"]
MATERIALS = ["meltblown", "nonwoven", "vent_parts_kit", "vent_key_parts"]


class Node:
    def __init__(self, id, kind, region, comment, **kw):
        self.id, self.kind, self.region, self.comment = id, kind, region, comment
        self.size = kw.get("size")
        self.priority = kw.get("priority", False)
        self.closed = kw.get("closed")
        self.lines = []        # (item, n, rate, with_breakdown, note)
        self.conv = []         # (day, item, n, rate, lead, note)
        self.stock = {}
        self.replenish = []    # (item, source, s, S, review or None, delay)
        self.census = kw.get("census")
        self.demand = kw.get("demand", [])
        self.release = kw.get("release")
        self.supplies = kw.get("supplies", [])
        self.stock_note = kw.get("stock_note")
        self.cash = None       # (working capital in CNY, payment lag in days): see add_working_capital

    def capacity(self, item, final=True):
        c = sum(n * r for (i, n, r, *_ ) in self.lines if i == item)
        if final:
            c += sum(n * r for (_, i, n, r, *_ ) in self.conv if i == item)
        return c

    def material_need(self, mat, final=True):
        bom = BOM_MB if mat == "meltblown" else BOM_NW
        return sum(self.capacity(p, final) * q for p, q in bom.items())

    def rows(self, t):
        """Adds this node's rows to the tables `t` (see Tables); its comment goes above them."""
        note = self.comment.split("\n")
        if self.cash:
            note.append(f"working_capital in CNY: {WC_DAYS} days of its fabric purchases at full capacity (estimate)")
        t.add("nodes", note, {
            "id": self.id, "kind": self.kind, "region": self.region, "size": self.size or "",
            "priority": "true" if self.priority else "",
            "closed_at_start": "" if self.closed is None else ("true" if self.closed else "false"),
            "supplies": as_list(self.supplies),
            "census": self.census or "",
            "demand": "[" + ", ".join(self.demand) + "]" if self.demand else "",
            "release": self.release or "",
            "working_capital": whole(self.cash[0]) if self.cash else "",
            "payment_lag_days": num(self.cash[1]) if self.cash else "",
        })
        for item, n, rate, bd, note in self.lines:
            row = {"node": self.id, "item": item, "lines": n, "rate_per_line": num(rate)}
            if bd:
                row.update(time_to_failure_days=compact(expo(MTTF_LINE, 0.05)), repair_days=compact(uni(0.5, 3)))
            t.add("lines", [note] if note else [], row)
        for day, item, n, rate, lead, note in self.conv:
            t.add("conversions", [note] if note else [], {
                "node": self.id, "day": day, "item": item, "lines": n, "rate_per_line": num(rate),
                "lead_time_days": compact(lead)})
        stock = {k: whole(v) for k, v in self.stock.items() if v > 0}
        if stock:
            t.add("stock", [self.stock_note] if self.stock_note else [], dict(node=self.id, **stock))
        for item, src, s_, S, review, delay in self.replenish:
            t.add("replenish", [], {
                "node": self.id, "item": item, "source": src, "reorder_point": whole(s_), "order_up_to": whole(S),
                "review_days": review or "", "order_delay_hours": compact(delay)})


def producers_note(keys):
    """Section comment with the capacity table and its sources."""
    t = Out()
    t("""
# ---------------------------------------------------------------------------------------------
# Makers. Per province: `<p>-key` = the key (priority) medical-goods makers, aggregated, whose
# output the state dispatched; `<p>-sme` = small and medium makers and new entrants (mask
# start-ups, garment firms turned to suits, eyewear makers turned to goggles), whose output the
# key node collects by reordering it; material makers. Capacities on 24 Jan (full staffing):
# - masks, 21 M/day in all: data: "Masks, national capacity | ≈ 21 M/day (1 Feb, D)"; the split
#   by province is an estimate (Henan's Changyuan, Jiangxi's Jinxian and Hubei's Xiantao and
#   Pengchang bases weigh most);
# - N95, 230 k/day: data: "Medical N95, capacity | 600 k/day (MIIT) — NDRC's figures imply
#   ≈ 228 k (definitions differ)": the NDRC figure is the capacity on day 0 (output ≈ 100 k on
#   1 Feb, data: "Medical N95, national output | ≈ 100 k/day", is then ≈ 44 % of it, like masks'
#   46 %), and MIIT's 600 k is where the expansion ordered on 1 Feb takes it; Hubei 46 k from
#   data: "Hubei N95 output before the epidemic | 46 k/day"; a second wave of new KN95 lines
#   (ordered 17 Feb) adds 300 k by mid-March (estimate);
# - protective suits, 30 k/day certified: data: "Protective suits, certified capacity | 40 firms,
#   ≈ 30 k sets/day; 40 % of them restarted (26 Jan)" (Jiangsu's, Henan's and Hubei's key firms,
#   about 47 % of it, are open on day 0), Hubei 7 k from data: "Hubei protective-suit capacity
#   before the epidemic | 7 k/day"; + 50 k/day of export-standard lines from 29 Jan, data:
#   "Protective suits, export-standard capacity allowed for domestic use from 29 Jan | ≈ 50 k/day";
#   + garment firms from 4 Feb in steps of ≈ 6 k/day per firm, data: "Garment firms converted to
#   protective suits | licensed in ≈ 1-2 days; e.g. ≈ 6,000 suits/day soon after a trial on 4 Feb"
#   (how many firms: estimate, ≈ 320 k/day by mid-March);
# - masks from new entrants, ≈ 58 M/day by mid-March: data: "Masks, firms that began making masks
#   1 Jan - 7 Feb | > 3,000"; machines take 7-30 days to arrive, data: "... (market norm 15-30)"
#   (the number: estimate);
# - ventilators, 100/day, + 214/day from 10 Feb after 2-5 weeks: data: "Invasive ventilators,
#   industry | 21 makers ...; ≈ 2,200 per week given sufficient key parts" (314/day);
# - goggles: Danyang (Jiangsu) eyewear makers and Guangdong makers, 30 k/day + 90 k/day converted
#   from 4 Feb (estimate).
# Conversion lead times that are not cited are estimates.
#
# province     masks M/day  N95 k/day  suits k/day  export suits  new N95 k/day  entrants M/day  garment suits k/day""")
    for k in keys:
        if k not in KEY and k not in SME:
            continue
        kk = KEY.get(k, {})
        ss = SME.get(k, {})
        t(f"# {PK[k][1]:12s} {num(kk.get('masks', 0)):>11s} {num(kk.get('n95', 0)):>10s} {num(kk.get('suits', 0)):>12s}"
          f" {num(kk.get('export', 0)):>13s} {num(sum(kk.get('n95x', [0]))):>14s} {num(sum(ss.get('entrants', [0]))):>15s}"
          f" {num(sum(ss.get('garment', [0]))):>20s}")
    t("# ---------------------------------------------------------------------------------------------")
    return t.text()


class Link:
    def __init__(self, frm, to, lead, comment=None, id=None, mode="road", capacity=None, via=None,
                 both=False, closure=None, background=None, toll=None):
        self.frm, self.to, self.lead, self.comment, self.id = frm, to, lead, comment, id
        self.mode, self.capacity, self.via, self.both, self.closure = mode, capacity, via or [], both, closure
        self.background, self.toll = background, toll

    def rows(self, t):
        """Adds this link's row to the tables `t`; its comment goes above it."""
        t.add("links", self.comment.split("\n") if self.comment else [], {
            "id": self.id or "", "from": self.frm, "to": self.to, "mode": self.mode,
            "lead_time_days": compact(self.lead),
            "capacity": f"[{{ day = 0, trucks_per_day = {num(self.capacity)} }}]" if self.capacity is not None else "",
            "via": as_list(self.via),
            "both_ways": "true" if self.both else "",
            "closure_rate": num(self.closure[0], 4) if self.closure else "",
            "closure_days": compact(self.closure[1]) if self.closure else "",
            "background": ("[" + ", ".join(f"{{ day = {d}, trucks = {num(t_)} }}" for d, t_ in self.background) + "]")
                          if self.background else "",
            "toll_per_truck": num(self.toll, 0) if self.toll else "",
        })


# ------------------------------------------------------------------------------------------ tables
DIST_FORMS = [
    (r'\{ dist = "triangular", min = ([^,]+), mode = ([^,]+), max = ([^ ]+) \}', "tri({},{},{})"),
    (r'\{ dist = "uniform", min = ([^,]+), max = ([^ ]+) \}', "uniform({},{})"),
    (r'\{ dist = "fixed", value = ([^ ]+) \}', "fixed({})"),
    (r'\{ dist = "exponential", mean = ([^,]+), min = ([^ ]+) \}', "exp({},{})"),
]


def compact(dist):
    """A distribution written by tri(), uni(), fixed() or expo() in the tables' compact form."""
    for pattern, form in DIST_FORMS:
        m = re.fullmatch(pattern, dist)
        if m:
            return form.format(*m.groups())
    raise ValueError(f"no compact form for {dist}")


# Each CSV table: file suffix, scenario key, columns (the node-level ones name their node first).
TABLES = {
    "nodes": ("node_table", ["id", "kind", "region", "size", "priority", "closed_at_start", "supplies", "census",
                             "demand", "release", "working_capital", "payment_lag_days"]),
    "lines": ("lines_table", ["node", "item", "lines", "rate_per_line", "time_to_failure_days", "repair_days"]),
    "conversions": ("conversion_table", ["node", "day", "item", "lines", "rate_per_line", "lead_time_days"]),
    "stock": ("stock_table", ["node"]),  # and a column per item, in the order they first appear
    "replenish": ("replenish_table", ["node", "item", "source", "reorder_point", "order_up_to", "review_days",
                                      "order_delay_hours"]),
    "links": ("link_table", ["id", "from", "to", "mode", "lead_time_days", "capacity", "via", "both_ways",
                             "closure_rate", "closure_days", "background", "toll_per_truck"]),
}


def as_list(items):
    """A list cell: `a;b`, and `a;` for a list of one."""
    return ";".join(items) + (";" if len(items) == 1 else "")


def plain(cell):
    """A cell as a spreadsheet writes it: numbers without TOML's `_` separators."""
    cell = str(cell)
    return cell.replace("_", "") if re.fullmatch(r"-?[0-9_.]+", cell) else cell


class Tables:
    """The CSV tables of a scenario: rows in the order added, each after its `#` comment lines
    (the reader skips them), columns no row uses left out."""

    def __init__(self, name):
        self.name = name
        self.rows = {k: [] for k in TABLES}

    def add(self, table, comment, row):
        self.rows[table].append((comment, row))

    def path(self, table):
        return f"data/{self.name}-{table}.csv"

    def write(self, o):
        """Writes each table beside the scenario and names it in the scenario (`o`)."""
        for table, (key, columns) in TABLES.items():
            rows = self.rows[table]
            columns = columns + [c for _, r in rows for c in r if c not in columns]
            columns = list(dict.fromkeys(columns))
            used = [c for c in columns if any(str(r.get(c, "")) != "" for _, r in rows)]
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow(used)
            for comment, row in rows:
                for c in comment:
                    buf.write(f"# {c}".rstrip() + "\n")
                w.writerow([plain(row.get(c, "")) for c in used])
            with open(os.path.join(OUTDIR, self.path(table)), "w") as fh:
                fh.write(buf.getvalue())
            o()
            o(f"[[{key}]]")
            o(f'csv = "{self.path(table)}"')


# ------------------------------------------------------------------------------------------ shared sections
def common_head(o, name, description, replications, roi):
    o("[scenario]")
    o(f'name = "{name}"')
    o(f'description = "{description}"')
    o(f'start_date = "{START}"        # day 0 = 24 Jan 2020, the day after the Wuhan lockdown and the first green-channel notice')
    o(f"days = {DAYS}                        # to 22 Apr 2020: through the February peak and the March recovery")
    o("seed = 2020")
    o(f"replications = {replications}")
    o("regions_of_interest = [" + ", ".join(f'"{r}"' for r in roi) + "]")
    o()
    o("""# ---------------------------------------------------------------------------------------------
# Policy switches (MODEL.md §1-2). Variants below flip these.
# ---------------------------------------------------------------------------------------------
[policy]
# Disinfection, temperature checks, spacing in plants (MIIT guidance §3, seed/SUMMARY.md): the
# brief's 0.85. Estimate: no measured figure in the data file.
productivity_under_controls = 0.85
# Key medical-goods firms restart in 0.3 x the time of ordinary firms of their region and size.
# data: "Pattern | ... medical-supply firms run 1-2 weeks ahead of ordinary firms": with the
# restart delays below (modes 18-22 days outside Hubei) 0.3 puts them ≈ 2 weeks ahead, and
# about all mask capacity open by 1 Feb, as data: "Masks, national output ≈ 9.7 M/day (≈ 46 %
# of capacity ...)" needs with ≈ half the workers back.
priority_restart_factor = 0.3
# Financing support for small and medium firms (MIIT guidance §4: tax, credit, receivables
# financing) shortens their restart delay by 30 %. Estimate, chosen so that with support the
# SME restart curve passes the reported points data: "Small and medium firms | 29.6 % (23 Feb) ->
# ... 71.7 % (24 Mar)" (see risk_levels.*.restart_days_sme).
sme_financing = true
sme_financing_restart_factor = 0.7
# Scheduled line conversions and expansions (automakers' mask lines, garment firms' suits,
# state-owned melt-blown lines, ventilator expansion) happen.
conversion = true""")
    o(CHAINS_POLICY.rstrip())


def risk_sections(o):
    o("""
# ---------------------------------------------------------------------------------------------
# What each regional risk level governs (MIIT guidance §10: low-risk regions resume fully,
# medium ones in order under controls, high-risk ones step by step). A firm's restart delay is
# drawn from the level of its region on day 0; worker return, checkpoint waits and plant
# outbreaks follow the level in force each day.
#
# Restart delays (days from 24 Jan), for ordinary firms; key medical firms x 0.3 (policy above).
# Every province but Hubei is medium on day 0 (all had declared first-level responses by
# 29 Jan), so the medium delays are the ones fitted to the reported resumption curves:
# - medium: large triangular(8, 18, 32). data: "Jiangsu (low risk) above-size firms reopened
#           ≈ 26 % (10 Feb) -> 98 % (27 Feb) -> 99 % (28 Feb)": 34 % by day 17, 100 % by day 32;
#           data: "Provinces | 18 of 23 above 50 % (21 Feb); Zhejiang > 90 % (≈ 24 Feb)".
#           SMEs triangular(20, 45, 100); with financing (x 0.7) 26 % by day 30 and 95 % by day
#           60, data: "Small and medium firms | 29.6 % (23 Feb) -> 32.8 % (26 Feb) -> 71.7 % (24 Mar)
#           -> 76.8 % (29 Mar)" (all SMEs; the medical ones ran ahead, see the priority factor).
# - high:   large triangular(30, 50, 70). data: "Hubei (high risk) | 85 % of firms ... (23 Mar);
#           95 % (28 Mar)": 85 % by day 59, 95 % by day 64. SMEs later (estimate).
# - low:    a region low from day 0 would restart faster (estimate; none is in this scenario).
#
# Worker return: each day the share present closes `worker_return_rate` of the gap to
# `worker_ceiling`, from 40 % on day 0 ([workers]).
# - low: 0.035/day to 100 %. A province medium until 3 Feb and low after has 52 % on 1 Feb,
#   81 % on 27 Feb and 93 % on 28 Mar. data: "Jiangsu (low risk) ... workers back 73 %" (27 Feb)
#   and data: "National | 98.6 % of firms / 89.9 % of workers (28 Mar)"; medical firms ran ahead
#   of the average firm, hence slightly above.
# - medium: 0.03/day to 95 % (estimate between low and high).
# - high: 0.025/day to 65 %; Hubei turns medium on day 48 and low on day 75, which gives 68 % on
#   23 Mar, 72 % on 28 Mar and 87 % on 21 Apr. data: "Hubei (high risk) | 85 % of firms, 60 % of
#   workers (23 Mar); 95 % / ≈ 70 % (28 Mar); 98 % / 92 % (21 Apr)".
#
# Checkpoint waits (hours) when a shipment enters a region at that level:
# data: "Road health checkpoints | > 20,000 (2 Feb)" and "Non-priority road freight in February
# | 2-3 x slower than priority" (E). With ≈ 1 day per 1,000 km on the road, a Guangdong -> Wuhan
# run (two borders: Hunan medium, Hubei high) takes ≈ 1 day on the green channel and ≈ 2.5-3.5
# days without it. Triangular(1, 3, 8) h low, (4, 10, 30) h medium, (12, 30, 72) h high: estimate.
# Medium and high checkpoints are also queues (issue 19): lanes x vehicles per hour, shared by
# the ordinary freight crossing them (see the links' `background`), in the model's truck units
# (a model truck stands for a corridor's share of real ones, so lanes are scaled alike). data:
# "Checkpoint throughput | ≈30 s/vehicle (Chengdu, 1 Feb) ... Yibin ≈700/team/day" is the real
# pace; the model's high level: 1 lane of 0.8/h, so Hubei's checkpoints (≈ 9-18 model trucks a
# day cross them) run at 50-95 % load and waits grow with traffic as trucks return; medium: 2
# lanes of 1/h. Estimates. With a throughput the queue replaces `checkpoint_hours` for the
# wait; routes are still planned on `checkpoint_hours`.
#
# Plant outbreaks: probability per plant-day and closure (a 14-day quarantine of the shift):
# none in low-risk regions, 0.1 %/day medium, 0.3 %/day high. Estimate (MIIT guidance §3 names
# the risk; the data file has no rate).
# ---------------------------------------------------------------------------------------------
[risk_levels.low]
restart_days_large = { dist = "triangular", min = 6, mode = 14, max = 26 }
restart_days_sme = { dist = "triangular", min = 15, mode = 35, max = 80 }
worker_return_rate = 0.035
worker_ceiling = 1.0
checkpoint_hours = { dist = "triangular", min = 1, mode = 3, max = 8 }
plant_outbreak_rate = 0.0

[risk_levels.medium]
restart_days_large = { dist = "triangular", min = 8, mode = 18, max = 32 }
restart_days_sme = { dist = "triangular", min = 20, mode = 45, max = 100 }
worker_return_rate = 0.03
worker_ceiling = 0.95
checkpoint_hours = { dist = "triangular", min = 4, mode = 10, max = 30 }
plant_outbreak_rate = 0.001
outbreak_closure_days = { dist = "uniform", min = 7, max = 14 }
checkpoint_vehicles_per_hour = 1.0
checkpoint_lanes = 2

[risk_levels.high]
restart_days_large = { dist = "triangular", min = 30, mode = 50, max = 70 }
restart_days_sme = { dist = "triangular", min = 45, mode = 65, max = 110 }
worker_return_rate = 0.025
worker_ceiling = 0.65
checkpoint_hours = { dist = "triangular", min = 12, mode = 30, max = 72 }
plant_outbreak_rate = 0.003
outbreak_closure_days = { dist = "uniform", min = 10, max = 14 }
checkpoint_vehicles_per_hour = 0.8
checkpoint_lanes = 1
# Hubei's workers could not leave for work elsewhere while it was high risk. data: "Hubei
# lockdown | Wuhan closed 23 Jan ...; rest of Hubei 25 Mar (green code); Wuhan workers
# point-to-point from 25 Mar". Variant `hubei-workers-free` lets them travel.
outbound_travel = false

# Workers present on day 0, Spring Festival eve: 40 %. With the return rates above and the
# restart delays, national mask output on 1 Feb comes out at ≈ 7.9 M/day (38 % of capacity)
# against data: "Masks, national output | ≈ 9.7 M/day (≈ 46 % of capacity: firms not yet
# restarted, workers away)", and N95 output at ≈ 86 k/day against data: "Medical N95, national
# output | ≈ 100 k/day (1 Feb)". data: "Migrant workers | < 1/3 of 291 M back by 14 Feb" (local
# workers were present, so more than a third overall). Firm-level noise 5 %: estimate.
[workers]
initial_share = 0.4
noise_sd = 0.05""")


def contact_str(c):
    return "[" + ", ".join(f"{{ day = {d}, factor = {num(x)} }}" for d, x in c) + "]"


def epidemic_str(ep):
    """The [region.epidemic] table: numbers for the initial state and contact factors (fitted),
    triangular distributions around the central values for the rest (ranges above)."""
    cf = ep["cf"]
    classes = ["mild", "moderate", "severe", "critical"]
    sev = [num(SEV[0]), num(SEV[1]), tri(SEVERE_RANGE[0], SEV[2], SEVERE_RANGE[1]),
           tri(CRITICAL_RANGE[0], SEV[3], CRITICAL_RANGE[1])]
    stay = [tri(lo, STAY[k], hi) for k, (lo, hi) in enumerate(STAY_RANGES)]
    admit = [tri(lo, ADMIT[k], hi) for k, (lo, hi) in enumerate(ADMIT_RANGES)]
    per_class = lambda vals: "{ " + ", ".join(f"{c} = {v}" for c, v in zip(classes, vals)) + " }"
    return ("{ " + f"population = {whole(ep['pop'])}, initial_exposed = {num(ep['e0'], 1)}, initial_infectious = {num(ep['i0'], 1)}, "
            f"r0 = {tri(R0_RANGE[0], R0, R0_RANGE[1])}, "
            f"incubation_days = {tri(INCUBATION_RANGE[0], INCUBATION, INCUBATION_RANGE[1])}, "
            f"infectious_days = {tri(INFECTIOUS_RANGE[0], INFECTIOUS, INFECTIOUS_RANGE[1])}, "
            f"case_fraction = {tri(cf * (1 - CF_SPREAD), cf, cf * (1 + CF_SPREAD))}, "
            f"contact = {contact_str(ep['contact'])}, "
            f"severity = {per_class(sev)}, "
            f"stay_days = {per_class(stay)}, "
            f"admission_delay_days = {per_class(admit)}, "
            f"icu_delay_days = {tri(ICU_RANGE[0], ICU, ICU_RANGE[1])} }}")


EARLY_CHAOS_END = 10   # 3 Feb


def risk_schedule(key):
    p = PK[key]
    if key == "hubei":
        return [(0, "high"), (48, "medium"), (75, "low")]
    if p[6] == "low":
        return [(0, "medium"), (EARLY_CHAOS_END, "low")]
    return [(0, "medium"), (p[7], "low")] if p[7] is not None else [(0, "medium")]


# Hubei's level follows its simulated epidemic (src/model IncidenceRule): new care cases per
# 100,000 people over 14 days, the window of the 17 Feb zoning guideline. data: "Criteria | low:
# no cases, or no new case for 14 days; medium: new cases in 14 days ...; high: cumulative > 50
# and a cluster in 14 days" (county level). At province level the thresholds are an estimate:
# high holds at least 14 days (the guideline's window); high is left below 15 and re-entered at
# 20, medium is left below 1 and re-entered at 2. With the central epidemic these give medium
# from about day 47 and low from about day 77, against the sourced steps of the fixed schedule
# (12 Mar = day 48, 8 Apr = day 75), and data: "Hubei counties | 11 low / 34 medium / 58 high of
# 103 (28 Feb); ... 71/4/1 (15 Mar)"; each replication's drawn epidemic moves them. The other
# provinces keep their schedules: their steps are the dates they lowered their emergency
# response, sourced policy announcements rather than an incidence rule.
HUBEI_RISK_RULE = ("{ window_days = 14, medium_above = 2, high_above = 20, low_below = 1, "
                   "medium_below = 15, min_days = 14 }")

# Share of a province's factory workforce whose homes are in Hubei (estimate): the share of
# factory workers from other provinces (census shares of residents from another province are
# lower bounds: data: "Residents from another province (proxy) | Shanghai 42 %, Guangdong ≈25 %,
# Zhejiang ≈25 %; Jiangsu, Fujian lower"; estimate 40 % GD, ZJ; 45 % SH; 30 % JS, FJ; 10 % SD)
# times Hubei's share of them. Guangdong: data: "Hubei share of Guangdong's missing workers |
# ... 1.7 M of them from Hubei (≈17 %)" -> 0.40 x 0.17 = 0.068. Elsewhere Hubei's share of
# inter-provincial migrants, data: "Hubei workers outside the province | ≈6 M a year" over data:
# "Migrant workers 2019 | ... ≈75 M inter-provincial" = 8 %. Workers from other origins are left
# with the local ones: those provinces' levels track the destinations' closely.
HUBEI_WORKER_SHARE = dict(guangdong=0.068, zhejiang=0.032, shanghai=0.036, jiangsu=0.024,
                          fujian=0.024, shandong=0.008)


def resume_region_extra(o, key, demand_keys):
    """Hubei's epidemic-driven level; the Hubei-born share of big manufacturing provinces."""
    if key == "hubei":
        o(f"risk_by_incidence = {HUBEI_RISK_RULE}")
    if key in HUBEI_WORKER_SHARE and "hubei" in demand_keys:
        o(f"workers_from = {{ Hubei = {HUBEI_WORKER_SHARE[key]} }}")


def resume_variants(prod):
    """Variants of the risk-level, worker-origin and whole-chain mechanisms."""
    ids = {n.id for n in prod}
    chains = []
    for n in prod:
        src = mb_source(n.id.rsplit("-", 1)[0])
        if n.closed and n.kind == "factory" and n.material_need("meltblown", False) > 0 and src in ids:
            chains.append(f'"node.{n.id}.requires" = ["{src}"]')
    return f"""
[[variant]]
name = "fixed-risk-schedule"
description = "Hubei's risk level follows its fixed schedule (high to 12 Mar, medium to 8 Apr), not its simulated epidemic."
set = {{ "policy.risk_by_incidence" = false }}

[[variant]]
name = "hubei-workers-free"
description = "Hubei's workers may travel to work elsewhere while it is high risk (no outbound travel ban)."
set = {{ "risk_levels.high.outbound_travel" = true }}

[[variant]]
name = "mask-chains-together"
description = "Mask makers closed at the start restart no earlier than their province's melt-blown supplier (requires)."
set = {{ {", ".join(chains)} }}
"""


def risk_str(steps):
    return "[" + ", ".join(f'{{ day = {d}, level = "{lv}" }}' for d, lv in steps) + "]"


EPI_NOTE = """# Every region's demand comes from an SEIR epidemic computed in the simulator
# (src/demand/seir.rs): infections become care cases (`case_fraction`), split by severity with
# data: "Severity split (WHO ESFT) | mild 40 %, moderate 40 %, severe 15 %, critical 5 %; stay
# severe 1 week, critical 2 weeks". Mild and moderate stays (14 and 21 days) are an estimate:
# Wuhan isolated mild cases in shelter hospitals for about two weeks and treated moderate ones
# for about three. R0 2.6 and incubation 5.2 days: estimate (early Wuhan studies; not in the data
# file). People infectious on 24 Jan are cases with onset that day. Cases are admitted a few days
# after onset (mild and moderate about 2, severe and critical about 4), and a critical case is
# cared for as severe for about a day before intensive care.
#
# Epidemic uncertainty: R0, incubation and infectious periods, case fraction, severe and
# critical shares, stays and delays are triangular distributions around those central values,
# drawn once per replication (the same draws in every variant), so the P5-P95 bands of demand
# carry the epidemic's uncertainty as well as supply's. Ranges and sources (literature: Li et al.
# 2020 NEJM; Wu & McGoogan 2020 JAMA; Zhou et al. 2020 Lancet; WHO-China joint mission report;
# the rest estimates) are in scenarios/data/gen_scenarios.py. Contact factors and seeds are fixed.
#
# Hubei: population 59.3 M; 20,000 infectious and 30,000 exposed on 24 Jan, a care-case fraction
# of 0.163, and contact factors 0.8 (lockdown of 23 Jan: travel stopped, household and hospital
# transmission went on), 0.3 from 10 Feb (centralised isolation of all four categories of people)
# and 0.1 from 21 Feb (door-to-door closed management). Estimate, fitted to Hubei's reported
# active cases (≈ 22 k on 7 Feb, ≈ 50 k at the 18 Feb peak, ≈ 26 k on 3 Mar, ≈ 3.5 k on 25 Mar);
# the fit gives ≈ 47 k in care at the peak (day 25-27), 57 k health-worker shifts a day then
# (data: "Wuhan N95 (24 Feb) | > 300 k/day for 60 k+ front-line staff"), and ≈ 28 k in care on
# 3 Mar, which with ≈ 1.4 k elsewhere matches data: "Active patients, national (3 Mar) | 27,433".
#
# Other provinces: contact 0.5, then 0.15 from 5 Feb and 0.05 from 14 Feb (first-level responses
# from 23-25 Jan, earlier and stricter relative to their outbreaks), and a care-case fraction of
# 0.5 (wider testing outside Hubei). Seeds are sized so that each province's care cases match its
# approximate reported cumulative cases (estimate, NHC daily reports; shown beside each region).
"""


def items_section(o, suit_release, mask_release):
    o(f"""
# ---------------------------------------------------------------------------------------------
# Materials. Units are grams for fabrics. Truck loads are estimates (bulky rolls).
# ---------------------------------------------------------------------------------------------
# Mask-grade melt-blown polypropylene fabric: the filter layer, the binding input of 2020.
# data: "Mask-grade melt-blown shortfall | > 50 % short of what 100 M masks/day needs".
[[material]]
id = "meltblown"
unit = "g"
units_per_truck = 5_000_000        # ≈ 5 t of rolls per truck (estimate)
price = {num(PRICE["meltblown"])}  # CNY (see PRICE in the generator)

# Spunbond / SMS non-woven: mask outer layers and protective-suit fabric.
[[material]]
id = "nonwoven"
unit = "g"
units_per_truck = 8_000_000        # ≈ 8 t per truck (estimate)
price = {num(PRICE["nonwoven"])}  # CNY (see PRICE in the generator)

# Domestic share of a ventilator's 1,500-1,600 parts (housings, boards, hoses, assembly), made
# by small parts makers that restart like other SMEs. data: "Ventilator bill of materials |
# 1,500-1,600 parts, sourced worldwide; a large maker has 853 suppliers".
[[material]]
id = "vent_parts_kit"
unit = "kit"
units_per_truck = 200              # estimate

# Imported critical parts (valves, sensors, turbines), bought abroad and flown in.
# data: "Imported share of ventilator parts | ≥ 30 % (valves, sensors, turbines)" (weak source).
[[material]]
id = "vent_key_parts"
unit = "set"
units_per_truck = 1_000            # estimate

# ---------------------------------------------------------------------------------------------
# Products and their bills of materials (material units per unit; production is limited by the
# scarcest input). Truck loads: a 9.6 m truck holds ≈ 50 m³ (estimate from carton sizes).
# ---------------------------------------------------------------------------------------------
# Disposable medical / surgical masks (YY/T 0969 and YY 0469), hospital and front-line use.
# Melt-blown: data: "Melt-blown fabric per surgical (flat) mask | 1 t -> ≈ 1 M masks (≈ 1 g/mask)".
# Non-woven 2 g (two spunbond layers): estimate.
# Release: {mask_release[1]}
[[product]]
id = "surgical_mask"
unit = "mask"
kind = "consumable"
units_per_truck = 1_000_000
price = {num(PRICE["surgical_mask"])}  # CNY (see PRICE in the generator)
bom = {{ meltblown = 1.0, nonwoven = 2.0 }}
release_delay_days = {mask_release[0]}

# Medical N95 / KN95 respirators. Melt-blown 3 g: data: "Melt-blown per N95/KN95 | ≈ 2 g ... to
# ≈ 5 g" (three or more layers, data: "Basis weight"); non-woven 4 g: estimate. Respirators are
# sold non-sterile, so no release delay.
[[product]]
id = "n95"
unit = "respirator"
kind = "consumable"
units_per_truck = 250_000
price = {num(PRICE["n95"])}  # CNY (see PRICE in the generator)
bom = {{ meltblown = 3.0, nonwoven = 4.0 }}

# Medical protective suits (GB 19082) and gowns. ≈ 180 g of SMS / laminated non-woven per suit
# (≈ 2.5 m² at ≈ 70 g/m²): estimate.
# Release: {suit_release[1]}
[[product]]
id = "protective_suit"
unit = "suit"
kind = "consumable"
units_per_truck = 25_000
price = {num(PRICE["protective_suit"])}  # CNY (see PRICE in the generator)
bom = {{ nonwoven = 180.0 }}
release_delay_days = {suit_release[0]}

# Invasive ventilators: durable, they serve the ventilated census and are not used up.
# One domestic parts kit and one set of imported critical parts each.
[[product]]
id = "ventilator"
unit = "ventilator"
kind = "durable"
units_per_truck = 100
bom = {{ vent_parts_kit = 1.0, vent_key_parts = 1.0 }}

# Goggles and face shields. Not centrally allocated in this scenario: hospitals reorder them
# from their provincial warehouse, which reorders from the makers (the (s, S) replenishment
# path). data: "Wuhan daily need (6 Feb) | ... 19,200 goggles". No modelled material.
[[product]]
id = "eye_protection"
unit = "piece"
kind = "consumable"
units_per_truck = 50_000
price = {num(PRICE["eye_protection"])}  # CNY (see PRICE in the generator)

# ---------------------------------------------------------------------------------------------
# Staff and burn rates: census by severity -> health-worker shifts -> consumption.
# ---------------------------------------------------------------------------------------------
# Eight-hour shifts per patient-day. data: "Health-worker hours per patient-day | 11.3 moderate,
# 18.2 severe, 32.7 critical (≈ 1.4 / 2.3 / 4.1 eight-hour shifts)". Mild 0.4: estimate (shelter
# hospitals: roughly one nurse or doctor per 20 beds per shift).
[staffing]
mild = 0.4
moderate = 1.4
severe = 2.3
critical = 4.1

# data: "Per inpatient health worker per day (WHO ESFT defaults) | ... 4 medical masks" and
# data: "Per patient per day | 2 medical masks (severe/critical), 1 (isolated)".
[burn.surgical_mask]
per_patient_day = {{ mild = 1, moderate = 1, severe = 2, critical = 2 }}
per_staff_shift = 4

# 5 per shift, Wuhan practice (N95 changed every four hours or so): data: "Wuhan N95 (24 Feb) |
# > 300 k/day for 60 k+ front-line staff (≈ 5 N95 per worker-day)"; with the model's ≈ 57 k Hubei
# shifts at the peak this gives ≈ 285 k/day. The ESFT extended-use default, data: "Per inpatient
# health worker per day (WHO ESFT defaults) | ... 1 respirator", is the hubei-2020 variant
# `esft-burn-rates`; Wuhan's rationed need of 6 Feb (data: "Wuhan daily need (6 Feb) | 41,400
# suits, 56,800 N95") is ≈ 2.3 per shift of the model's census.
[burn.n95]
per_staff_shift = {knob("N95_PER_SHIFT", 5.0)}

# 2 per shift: derived. data: "Hubei protective-suit need | ... 59.4 k (7 Feb)" over the model's
# ≈ 31 k Hubei shifts that day is 1.9; Wuhan's 41,400 (6 Feb) over ≈ 23 k is 1.8. ESFT: 1 gown.
[burn.protective_suit]
per_staff_shift = {knob("SUIT_PER_SHIFT", 2.0)}

# data: "Ventilation of critical patients | 2/3 invasive, 1/3 non-invasive; 0.67 ICU ventilator
# per critical bed". The ventilator in this scenario is the invasive one.
[burn.ventilator]
per_patient_day = {{ critical = 0.67 }}

# data: "Per inpatient health worker per day (WHO ESFT defaults) | ... 1 face shield".
[burn.eye_protection]
per_staff_shift = 1

# Contingency standard: once a hospital pool has less than a day of respirators, suits or eye
# protection it switches to extended use (one suit and respirator kept on through a longer
# shift), cutting their burn by 20 %, until it again holds two days of supply at normal
# rates. Estimate (the exit level is a hysteresis so that a pool does not switch every day);
# data: "Maximal conservation (New Mexico) | per patient-day: 1.27 N95, 1.75 gowns" marks how
# far crisis standards can go.
[[conservation]]
name = "contingency-extended-use"
burn_factor = 0.8
products = ["n95", "protective_suit", "eye_protection"]
days_of_supply_below = 1.0
days_of_supply_above = 2.0""")


HOSP_STOCK_PER_M = dict(surgical_mask=50_000, n95=300, protective_suit=100, ventilator=8, eye_protection=200,
                        ecg_monitor=ECG_STOCK_PER_M)
RESERVE_STOCK = dict(surgical_mask=5_000_000, n95=200_000, protective_suit=50_000, ventilator=300)
TRUNK_TRUCKS = knob("TRUNK_TRUCKS", 15.0)
HUBEI_TRUCKS = knob("HUBEI_TRUCKS", 10.0)
EXPRESS_TRUCKS = knob("EXPRESS_TRUCKS", 6.0)
COVER_DAYS = knob("COVER_DAYS", 5.0)
EYE_SOURCE_SOUTH = {"guangdong", "guangxi", "hainan", "fujian", "hunan", "jiangxi", "yunnan", "guizhou"}


def mb_source(prov):
    if prov in MELTBLOWN:
        return f"{prov}-meltblown"
    return {"guangxi": "guangdong-meltblown"}.get(prov)


def nw_source(prov):
    if prov in NONWOVEN:
        return f"{prov}-nonwoven"
    return {"jiangxi": "zhejiang-nonwoven", "shanghai": "jiangsu-nonwoven", "guangxi": "guangdong-nonwoven"}.get(prov)


def add_material_policies(n, prov_for_sources, stock_days=7):
    """Initial fabric stock and (s, S) reorders of fabric for a mask/suit factory."""
    for mat, src in (("meltblown", mb_source(prov_for_sources)), ("nonwoven", nw_source(prov_for_sources))):
        need_final = n.material_need(mat, True)
        if need_final <= 0 or src is None:
            continue
        need_base = n.material_need(mat, False)
        n.stock[mat] = stock_days * need_base
        n.replenish.append((mat, src, 1 * need_final, 3 * need_final, 1, uni(2, 12)))


# ------------------------------------------------------------------------------ working capital
# Prices (CNY per unit) for the money of small firms (seed §4). Melt-blown: data: "Melt-blown
# price (CNY/t) | 18 k before -> 29 k (28 Jan) -> 80 k (12 Feb) -> 200 k+ (late Feb) -> 300-400 k
# (early Mar)"; one price stands for the whole run, so the late-February 200 k CNY/t, when the
# entrants bought most (estimate). Non-woven 40 k CNY/t (estimate: twice a pre-epidemic ≈ 20 k).
# Product prices are ex-factory estimates (no price in the data files): surgical mask 0.8 CNY,
# N95 3.5 CNY, protective suit 100 CNY, goggles 20 CNY.
PRICE = dict(meltblown=0.2, nonwoven=0.04, surgical_mask=0.8, n95=3.5, protective_suit=100, eye_protection=20)
# An SME's money for fabric on 24 Jan, in days of its purchases at full (final) capacity. Estimate
# from data: "Cash runway, 995 SMEs | <= 1 month 34 %; 2 months 33.1 % ..." (early Feb): a month
# or two of all costs, of which fabric is a part, and the entrants' lines arrive later.
WC_DAYS = 15
# Days until a large buyer pays an SME for what it shipped (estimate: no figure in the data; data:
# "Arrears to SMEs | end-2019 ¥890 bn owed by government/SOEs" says large buyers paid late).
SME_PAYMENT_LAG_DAYS = 60


def add_working_capital(n):
    """An SME factory's working capital: WC_DAYS of fabric purchases at full capacity."""
    daily = sum(n.material_need(mat, True) * PRICE[mat] for mat in ("meltblown", "nonwoven"))
    if daily > 0:
        n.cash = (WC_DAYS * daily, SME_PAYMENT_LAG_DAYS)


CHAINS_POLICY = """
# Financing support also lends small firms money for material purchases: an interest-free loan
# of twice their working capital on day 0 (estimate; data: "SME re-lending | +¥500 bn ...",
# "Special re-lending | ¥300 bn from 31 Jan"). Only with sme_financing = true.
sme_financing_credit_factor = 2
# Which products draw scarce melt-blown first at a plant: absent = line order (the key makers
# list their N95 lines first; N95 lines added by expansion come after their mask lines)."""

# A flat-mask line rebuilt to make KN95 makes this many a day (estimate: fold-type KN95 machines
# run at a tenth of a flat-mask line's 100 k/day).
SWITCH_N95_RATE = 10_000


def chains_variants(prod):
    """Variants of line switching, material draw order and SME payments (issue 20)."""
    sets = []
    for n in prod:
        if not n.id.endswith("-key") or n.capacity("surgical_mask", False) <= 0:
            continue
        step = next((k for k, c in enumerate(n.conv) if c[0] == 8 and c[1] == "n95"), None)
        if step is None:
            continue
        moved = -(-n.conv[step][2] * RATE["n95"] // SWITCH_N95_RATE)
        assert moved <= n.capacity("surgical_mask", False) / RATE["surgical_mask"], n.id
        at = f"node.{n.id}.conversion.{step}"
        sets += [f'"{at}.from_item" = "surgical_mask"', f'"{at}.lines" = {moved}', f'"{at}.rate_per_line" = {SWITCH_N95_RATE}']
    return f"""
[[variant]]
name = "switch-lines-to-n95"
description = "The key makers' 1 Feb N95 expansion (the base adds new lines) instead moves surgical-mask lines to KN95 ({SWITCH_N95_RATE // 1000} k/day a line): same N95 capacity, masks lost from the decision day."
set = {{ {", ".join(sets)} }}

[[variant]]
name = "meltblown-n95-first"
description = "Every plant's N95 lines draw scarce melt-blown before its mask lines (the base: line order)."
set = {{ "policy.material_priority" = ["n95", "surgical_mask"] }}

[[variant]]
name = "meltblown-masks-first"
description = "Every plant's mask lines draw scarce melt-blown before its N95 lines (the base: line order)."
set = {{ "policy.material_priority" = ["surgical_mask", "n95"] }}

[[variant]]
name = "sme-early-payment"
description = "Large firms pay their small and medium suppliers within 10 days instead of {SME_PAYMENT_LAG_DAYS} (seed §4 receivables measure; 10 days: estimate)."
set = {{ "policy.sme_early_payment_days" = 10 }}

[[variant]]
name = "no-sme-financing-early-payment"
description = "No financing support, but large firms pay their small and medium suppliers within 10 days (compare with no-sme-financing)."
set = {{ "policy.sme_financing" = false, "policy.sme_early_payment_days" = 10 }}"""


def producers(provs):
    """Factories and suppliers of the given provinces, plus the automakers and the SOE lines."""
    nodes = []
    for prov in provs:
        region = PK[prov][1]
        if prov in KEY:
            k = KEY[prov]
            if prov == "hubei":
                state = ("Open on 24 Jan, working through the holiday under requisition: data: \"Priority\n"
                         "protective-goods firms in Hubei | 100 % reopened by 7 Feb\".")
            elif k["open"]:
                state = ("Open on 24 Jan (with Hubei's, about 47 % of certified suit capacity): data: \"Protective suits,\n"
                         "certified capacity | 40 firms ...; 40 % of them restarted (26 Jan)\".")
            else:
                state = "Closed on 24 Jan; restarts after the medium-risk delay x 0.3 (priority firm)."
            n = Node(f"{prov}-key", "factory", region,
                     f"{region}: key (priority) medical-goods makers, aggregated; output centrally dispatched.\n{state}",
                     size="large", priority=True, closed=not k["open"])
            if k["n95"]:
                n.lines.append(("n95", lines_of(k["n95"] * 1e3, RATE["n95"]), RATE["n95"], True,
                                f"{num(k['n95'])} k N95/day (listed first: respirators get the melt-blown first)"))
            if k["masks"]:
                n.lines.append(("surgical_mask", lines_of(k["masks"] * 1e6, RATE["surgical_mask"]), RATE["surgical_mask"], True,
                                f"{num(k['masks'])} M masks/day"))
            if k["suits"]:
                n.lines.append(("protective_suit", lines_of(k["suits"] * 1e3, RATE["protective_suit"]), RATE["protective_suit"], False,
                                f"{num(k['suits'])} k suits/day certified"))
            if k.get("vent"):
                n.lines.append(("ventilator", k["vent"], 1, False, f"{k['vent']} invasive ventilators/day"))
            if k.get("eye"):
                n.lines.append(("eye_protection", lines_of(k["eye"] * 1e3, RATE["eye_protection"]), RATE["eye_protection"], False,
                                f"{k['eye']} k goggles/day"))
            if k["export"]:
                n.conv.append((5, "protective_suit", lines_of(k["export"] * 1e3, 500), 500, uni(0.5, 2),
                               f"+{k['export']} k export-standard suits/day cleared for domestic use from 29 Jan"))
            if k["n95x"][0]:
                n.conv.append((8, "n95", k["n95x"][0], 1000, tri(10, 20, 30), f"+{k['n95x'][0]} k N95/day: expansion ordered 1 Feb"))
            if k["n95x"][1]:
                n.conv.append((24, "n95", k["n95x"][1], 1000, tri(10, 20, 30), f"+{k['n95x'][1]} k N95/day: new KN95 medical lines"))
            if k.get("ventx"):
                n.conv.append((10, "ventilator", k["ventx"], 1, tri(14, 21, 35), f"+{k['ventx']} ventilators/day: parts-limited ramp-up"))
            add_ecg_lines(n, prov)
            add_material_policies(n, prov)
            if k.get("vent"):
                final = n.capacity("ventilator")
                n.stock["vent_parts_kit"] = 14 * k["vent"]
                n.stock["vent_key_parts"] = 14 * k["vent"]
                n.replenish.append(("vent_parts_kit", f"{VENT_PARTS_OF[prov]}-ventparts", 5 * final, 12 * final, None, uni(2, 12)))
                n.replenish.append(("vent_key_parts", "import-parts", 10 * final, 20 * final, None, uni(24, 72)))
            nodes.append(n)
        if prov in SME:
            s = SME[prov]
            n = Node(f"{prov}-sme", "factory", region,
                     f"{region}: small and medium makers and new entrants (mask start-ups, garment firms turned to\n"
                     f"suits{', eyewear makers turned to goggles' if s.get('eye') else ''}), aggregated. On the key list once licensed: restart after the SME\n"
                     f"delay x 0.3, x 0.7 more with financing support. Lines arrive by conversion only.",
                     size="sme", priority=True, closed=True)
            if s.get("eye"):
                n.lines.append(("eye_protection", lines_of(s["eye"] * 1e3, RATE["eye_protection"]), RATE["eye_protection"], False,
                                f"{s['eye']} k goggles/day"))
            for day, m in zip(MASK_STEPS, s["entrants"]):
                if m:
                    n.conv.append((day, "surgical_mask", lines_of(m * 1e6, RATE["surgical_mask"]), RATE["surgical_mask"], tri(7, 15, 30),
                                   f"+{num(m)} M masks/day: new entrants' machines"))
            for day, kk in zip(GARMENT_STEPS, s["garment"]):
                if kk:
                    n.conv.append((day, "protective_suit", lines_of(kk * 1e3, 500), 500, tri(2, 4, 10),
                                   f"+{kk} k suits/day: garment firms converted"))
            if s.get("eyex"):
                n.conv.append((11, "eye_protection", lines_of(s["eyex"] * 1e3, RATE["eye_protection"]), RATE["eye_protection"], tri(3, 5, 10),
                               f"+{s['eyex']} k goggles/day: eyewear makers converted"))
            add_material_policies(n, prov)
            add_working_capital(n)
            nodes.append(n)
            key = next((x for x in nodes if x.id == f"{prov}-key"), None)
            if key is not None:
                for item in ("surgical_mask", "protective_suit"):
                    cap = n.capacity(item)
                    if cap > 0:
                        key.replenish.append((item, n.id, 1 * cap, 4 * cap, None, uni(2, 12)))
                key.comment += (f"\nIt also collects the masks and suits of {n.id} (requisitioned for central allocation)\n"
                                f"by reordering them from it.")
        if prov in MELTBLOWN:
            m = MELTBLOWN[prov]
            n = Node(f"{prov}-meltblown", "supplier", region,
                     f"{region}: mask-grade melt-blown for the province's mask makers ({num(m['t'])} t/day; estimate).\n"
                     f"Melt-blown makers were put on the key-firm list in February: priority restart.",
                     size=m["size"], closed=True, priority=True)
            n.lines.append(("meltblown", lines_of(m["t"] * 1e6, 500_000), 500_000, True, f"{num(m['t'])} t/day"))
            if m["up"]:
                n.conv.append((19, "meltblown", lines_of(m["up"] * 1e6, 500_000), 500_000, tri(20, 35, 60),
                               f"+{m['up']} t/day: lines upgraded to mask grade after the 12 Feb price spike"))
            n.stock["meltblown"] = 3 * m["t"] * 1e6
            nodes.append(n)
        if prov in NONWOVEN:
            t, size = NONWOVEN[prov]
            n = Node(f"{prov}-nonwoven", "supplier", region, f"{region}: spunbond/SMS non-woven makers ({t} t/day; estimate).",
                     size=size, closed=True, priority=True)
            n.lines.append(("nonwoven", t // 10, 10_000_000, False, f"{t} t/day"))
            n.stock["nonwoven"] = 3 * t * 1e6
            nodes.append(n)
        if prov in VENT_PARTS:
            n = Node(f"{prov}-ventparts", "supplier", region, f"{region}: ventilator parts makers (SMEs), {VENT_PARTS[prov]} kits/day (estimate).",
                     size="sme", closed=True)
            n.lines.append(("vent_parts_kit", VENT_PARTS[prov] // 10, 10, False, None))
            n.stock["vent_parts_kit"] = 3 * VENT_PARTS[prov]
            nodes.append(n)
    return nodes


def special_producers(have_guangxi=True):
    nodes = []
    byd = Node("byd-shenzhen", "factory", "Guangdong",
               "BYD (automaker, Shenzhen) turned to masks. data: \"Automaker A (BYD) | built its own mask machine\n"
               "in 7 days (market norm 15-30); lines started 8 Feb; added 5-10 machines/day (... ≈ 60 k masks per\n"
               "machine per day); 5 M masks/day by 13 Mar\". Five steps of 10-20 machines reach 83 machines = 5 M/day.",
               size="large", priority=True, closed=False)
    for day, m, lead in [(8, 10, tri(6, 7, 8)), (15, 20, tri(3, 5, 7)), (20, 20, tri(3, 5, 7)), (27, 20, tri(3, 5, 7)), (35, 13, tri(3, 5, 7))]:
        byd.conv.append((day, "surgical_mask", m, 60_000, lead, f"+{m} machines"))
    add_material_policies(byd, "guangdong", stock_days=0)
    byd.stock["meltblown"] = 10 * 10 * 60_000 * 1.0
    byd.stock["nonwoven"] = 10 * 10 * 60_000 * 2.0
    byd.stock_note = "ten days of its first ten machines"
    nodes.append(byd)
    if have_guangxi:
        sg = Node("sgmw-liuzhou", "factory", "Guangxi",
                  "SGMW (automaker, Liuzhou) turned to masks. data: \"Automaker B (SGMW) | announced 6 Feb; first masks\n"
                  "13 Feb; plan 14 lines (4 of them N95) ≈ 1.7 M/day, 2 M/day by end of Feb\". 10 flat-mask lines of\n"
                  "150 k and 4 N95 lines of 50 k (split: estimate), then 2 more flat lines.",
                  size="large", priority=True, closed=False)
        sg.conv.append((13, "surgical_mask", 4, 150_000, tri(6, 7, 8), "first 4 lines: masks from 13 Feb"))
        sg.conv.append((16, "surgical_mask", 6, 150_000, tri(7, 10, 14), "the other 6 flat-mask lines"))
        sg.conv.append((16, "n95", 4, 50_000, tri(7, 10, 14), "4 N95 lines"))
        sg.conv.append((25, "surgical_mask", 2, 150_000, tri(3, 5, 7), "2 M/day by the end of February"))
        add_material_policies(sg, "guangxi", stock_days=0)
        sg.stock["meltblown"] = 10 * 4 * 150_000 * 1.0
        sg.stock["nonwoven"] = 10 * 4 * 150_000 * 2.0
        sg.stock_note = "ten days of its first four lines"
        nodes.append(sg)
    soe = Node("soe-meltblown", "supplier", "Beijing",
               "State-owned melt-blown lines (Sinopec and others), built from scratch in February-March.\n"
               "data: \"Fastest new melt-blown line | Sinopec: decision 24 Feb -> on-spec fabric 6 Mar (12 days,\n"
               "reused plant); a second line 35 days\" and data: \"State-owned melt-blown output | ≈ 26 t/day (6 Mar)\n"
               "-> 42.5 t/day (≈ 30 Mar)\". Sold on to mask makers through the provincial melt-blown makers.",
               size="large", priority=True, closed=False)
    soe.conv.append((31, "meltblown", 26, 1_000_000, tri(10, 12, 14), "26 t/day by ≈ 6 Mar"))
    soe.conv.append((31, "meltblown", 33, 500_000, tri(30, 35, 40), "+16.5 t/day by ≈ 30 Mar"))
    nodes.append(soe)
    return nodes


def add_chain(nodes):
    """Melt-blown makers short of fabric for their customers reorder from a surplus source."""
    by_id = {n.id: n for n in nodes}
    for prov, m in MELTBLOWN.items():
        sup = by_id.get(f"{prov}-meltblown")
        if sup is None or not m["chain"]:
            continue
        src = "soe-meltblown"
        demand = sum(n.material_need("meltblown", True) for n in nodes if any(r[0] == "meltblown" and r[1] == sup.id for r in n.replenish))
        deficit = max(demand - sup.capacity("meltblown", True), 2e6)
        sup.replenish.append(("meltblown", src, 2 * deficit, 5 * deficit, None, uni(4, 24)))
        sup.comment += f"\nIts customers need up to {num(demand / 1e6, 1)} t/day; it buys the shortfall from {src}."


def province_demand_nodes(prov, ep, csv_name, col, eye_source, hub_name):
    """Provincial warehouse, hospital pool and community front line of one province."""
    region = PK[prov][1]
    pop = PK[prov][2]
    c = census_of(ep)
    sh = shifts_series(c)
    peak_eye = max(max(sh), 50.0)
    hub = Node(hub_name, "warehouse", region,
               f"{region}: provincial logistics hub and warehouse: transit point of every shipment into and out of\n"
               f"the province, and the provincial stock of eye protection (reordered from {eye_source}).")
    hub.stock["eye_protection"] = 500 * pop
    hub.stock_note = "500 per million people (estimate)"
    hub.replenish.append(("eye_protection", eye_source, 2 * peak_eye, 5 * peak_eye, None, uni(4, 24)))
    hosp = Node(f"{prov}-hospitals", "hospital", region,
                f"{region}: all hospitals treating COVID-19 patients, pooled (designated, shelter and ICU beds).\n"
                f"Peak census in the model ≈ {comma(max(sum(r) for r in c))} patients, {comma(max(sh))} staff shifts/day.",
                census="{ share_of_region = 1.0 }")
    for item, per_m in HOSP_STOCK_PER_M.items():
        hosp.stock[item] = per_m * pop
    hosp.stock_note = ("stock on 24 Jan per million people: 50 k masks, 300 N95, 100 suits, 8 ventilators free "
                       "for COVID-19, 200 goggles, 30 ECG monitors (estimate)")
    hosp.replenish.append(("eye_protection", hub_name, peak_eye, 3 * peak_eye, None, uni(2, 8)))
    day0 = community_masks(prov, pop, 0)
    comm = Node(f"{prov}-community", "hospital", region,
                f"{region}: front line outside hospitals (fever-clinic triage, community workers, police, transport,\n"
                f"returning workers): direct mask demand from {csv_name}, column `{col}`.",
                demand=[f'{{ product = "surgical_mask", csv = "data/{csv_name}", column = "{col}" }}'])
    comm.stock["surgical_mask"] = day0
    comm.stock_note = "one day of its day-0 demand (estimate)"
    return [hub, hosp, comm]


def trunk_link(a, b, trucks, comment=None, mode="china"):
    km = road_km(a, b)
    d = km / 1000.0
    ferry = "hainan" in (a, b)
    lead = tri(max(0.15, 0.8 * d) + (0.3 if ferry else 0), d + 0.1 + (0.4 if ferry else 0), 1.5 * d + 0.3 + (0.8 if ferry else 0))
    return Link(hub_id(a, mode), hub_id(b, mode), lead, comment=comment, id=f"trunk:{a}-{b}", mode="ferry+road" if ferry else "road",
                capacity=trucks, both=True,
                closure=(0.01, uni(0.5, 2)) if "hubei" in (a, b) else None, background=background_of(trucks))


EXPRESS = [
    ("guangdong", ["Hunan"], tri(0.6, 0.8, 1.2), "road",
     "data: \"Priority transit times | Guangdong -> Wuhan truck relay overnight\""),
    ("zhejiang", ["Anhui"], tri(0.7, 0.9, 1.4), "road", "≈ 1 day per 1,000 km (data: \"Priority transit times\")"),
    ("jiangsu", ["Anhui"], tri(0.5, 0.7, 1.2), "road", "≈ 1 day per 1,000 km"),
    ("shanghai", ["Jiangsu", "Anhui"], tri(0.7, 0.9, 1.4), "road", "≈ 1 day per 1,000 km"),
    ("shandong", ["Henan"], tri(0.7, 0.9, 1.4), "road", "≈ 1 day per 1,000 km"),
    ("beijing", ["Hebei", "Henan"], tri(1.1, 1.25, 1.6), "rail",
     "data: \"Priority transit times | ... rail 1,166 km in 23 h (+ 6 h loading)\""),
]


# Ordinary freight (issue 19). Link capacities are the model's trucks for a corridor; ordinary
# freight wants a share of the same trucks: FREIGHT_UTILISATION of nominal capacity on a normal
# day, times FREIGHT_INDEX (its volume relative to normal) over time.
# - 0.43, derived: data: "Heavy trucks running | 1.83 M/day = 29.7 % of fleet = 68.7 % of
#   lunar-equivalent 2019" gives a normal day 1.83 / 0.687 = 2.66 M trucks of a 6.16 M fleet.
# - index: 0.5 to 3 Feb, data: "Road-freight efficiency index | Feb 79.6 (base 100); daily low
#   46.1 on 1 Feb"; 0.69 on 2 Mar (day 38), data: "Heavy trucks running | ... 68.7 % of
#   lunar-equivalent 2019"; 0.55, 0.6 and 0.65 between (estimate, a linear climb); 0.85 and
#   0.95 from mid and late March as drivers returned (estimate, data: "Trucks running | ... > 80 %
#   of drivers back by late March").
# Express routes into Hubei carry none (estimate: they are the priority relays themselves).
FREIGHT_UTILISATION = 0.43
FREIGHT_INDEX = [(0, 0.5), (10, 0.55), (17, 0.6), (28, 0.65), (38, 0.69), (50, 0.85), (64, 0.95)]


def background_of(trucks):
    """Ordinary freight trucks per day on a link of nominal capacity `trucks`."""
    return [(d, trucks * FREIGHT_UTILISATION * i) for d, i in FREIGHT_INDEX]


MODES_SECTION = """
# Transport modes. The national truck share above scales road and ferry+road links only.
# - rail (the Beijing express): 90 % of its wagons from day 0 (estimate: China Railway kept
#   running and moved epidemic goods throughout, data: "Rail | to 11 Feb: 4,942 batches, 58 kt
#   of epidemic-control goods"; its crews, unlike truck drivers, were not stuck at home); a
#   capacity unit is one truckload (the express link's capacity is in truckloads already).
# - air (imported parts): 60 % of cargo flights to 10 Feb, 80 % after (estimate: international
#   belly cargo collapsed with passenger flights, while freighters and charters carried
#   epidemic goods, data: "Air | 27,738 t of epidemic goods on 20,498 flights, 20 Jan-2 Mar").
#   The import link has no capacity limit, so this applies to air links with one.
[transport.modes.rail]
availability = [{ day = 0, share = 0.9 }]

[transport.modes.air]
availability = [{ day = 0, share = 0.6 }, { day = 17, share = 0.8 }]"""
# Air express into Wuhan Tianhe. data: "Air | 27,738 t of epidemic goods on 20,498 flights,
# 20 Jan-2 Mar (≈660 t/day)" (CAAC). Which airports and how much of it went to Hubei is not in
# the sourced inputs: half of it (≈330 t/day), split evenly over the three biggest cargo
# airports' provinces, is an estimate. Capacity is in truck-equivalents a day, like every link:
# ≈110 t/day per link at ≈8 t of boxed protective goods per truck (a 17.5 m van is filled by
# volume, ≈100 m3 at ≈80 kg/m3; estimate) ≈ 14 truck-equivalents. Lead time: loading, a 2-3 h
# flight, unloading and transfer at Tianhe, 0.3-1 day (estimate).
AIR_EXPRESS = ["guangdong", "shanghai", "beijing"]
AIR_TRUCKS = knob("AIR_TRUCKS", 14.0)
# Expressway tolls for a loaded heavy truck, ≈1.5 yuan/km (estimate: 2020 provincial tariffs for
# 5-6 axle trucks ran ≈1-2.4 yuan/km; not in the sourced inputs), on road trunk and express
# links by their road distance. data: "Green channel, first notice (24 Jan) | permitted
# cross-province emergency vehicles toll-free both ways"; "Toll-free for all vehicles, all toll
# roads | 17 Feb 00:00 to 6 May 00:00" ([transport] toll_free_from_day).
TOLL_PER_KM = knob("TOLL_PER_KM", 1.5)
RESTOFCHINA_KM = 1500   # average haul into the rest of China (as the trunk links' comment says)


def air_express_links(keys, mode):
    out = []
    for src in AIR_EXPRESS:
        if src not in keys:
            continue
        comment = ("Air express into Wuhan Tianhe (one way; see AIR_EXPRESS in the generator): CAAC carried ≈660 t/day of\n"
                   "epidemic goods (data: \"Air\"); capacity ≈14 truck-equivalents a day per link, lead 0.3-1 day (estimates).") \
            if not out else None
        out.append(Link(f"{src}-hub", hub_id("hubei", mode), tri(0.3, 0.5, 1.0), comment=comment,
                        id=f"air:{src}-hubei", mode="air", capacity=AIR_TRUCKS))
    return out


def add_tolls(links):
    """Tolls on the road trunk and express links, by road distance (air and rail pay none)."""
    for l in links:
        if l.mode not in ("road", "ferry+road") or not l.id or not l.id.startswith(("trunk:", "express:")):
            continue
        a, b = l.id.split(":", 1)[1].split("-", 1)
        km = RESTOFCHINA_KM if "restofchina" in (a, b) else road_km(a, b)
        l.toll = km * TOLL_PER_KM


def transport_sections(o, start_day_note):
    o(f"""
# ---------------------------------------------------------------------------------------------
# The green channel. data: "Green channel, first notice (24 Jan) | permitted cross-province
# emergency vehicles toll-free both ways, with priority passage"; data: "Green channel, second
# notice (1 Feb) | 'no stop, no inspection, no toll, priority passage'". From day 0 the
# medical goods and, as MIIT guidance §9 asks, the key firms' raw materials and parts skip the
# health checkpoints and go first for truck capacity. {start_day_note}
# ---------------------------------------------------------------------------------------------
[green_channel]
enabled = true
start_day = 0
products = ["surgical_mask", "n95", "protective_suit", "ventilator", "ecg_monitor", "eye_protection", "meltblown", "nonwoven", "vent_parts_kit", "vent_key_parts"]
bypass_checkpoints = true
capacity_priority = true
# A lane of their own at checkpoints: "no stop" (variants: priority in the queue, or none).
checkpoint_lane = "bypass"

# Share of trucks running nationally; multiplies every link's truck capacity.
# Day 0-9: Spring Festival, 50 % (estimate; data: "Road freight | -24.8 % year on year in
# Jan-Feb"); from 3 Feb 30 %; 10 Feb-20 Feb 15 %, data: "Trucks running | 10-20 % of trucks in
# mid-Feb"; then back up to 85 % by 28 Mar, data: "... > 80 % of drivers back by late March".
[transport]
truck_availability = [{{ day = 0, share = 0.5 }}, {{ day = 10, share = 0.3 }}, {{ day = 17, share = 0.15 }}, {{ day = 28, share = 0.3 }}, {{ day = 38, share = 0.5 }}, {{ day = 50, share = 0.7 }}, {{ day = 64, share = 0.85 }}]
# data: "Toll-free for all vehicles, all toll roads | 17 Feb 00:00 (announced 15 Feb) to 6 May
# 00:00": from day 24 nobody pays tolls (the green channel then waives none).
toll_free_from_day = 24""")
    o(MODES_SECTION)


def dispatch_section(o, sources):
    o(f"""
# ---------------------------------------------------------------------------------------------
# Central dispatch: each day the State Council's joint prevention and control mechanism
# allocates the stock at key firms and the released national reserve. Rule `priority`: Hubei
# first, up to its need (MODEL.md §1, MIIT guidance §2 "supply Hubei and Wuhan first"); the rest
# in proportion to need. Need = {num(COVER_DAYS)} days of demand less stock on hand and on its way
# (estimate). Decisions leave 12 h after the daily allocation meeting (estimate). Eye
# protection is left to the market (replenishment above). Cover of 5 days: it must exceed the
# longest lead times (3-4 days off the green channel), because goods on their way count against
# the need; with 3 days, far provinces were starved by their own pipeline.
# ---------------------------------------------------------------------------------------------
[dispatch]
rule = "priority"
priority_regions = ["Hubei"]
products = ["surgical_mask", "n95", "protective_suit", "ventilator", "ecg_monitor"]
sources = [""" + ", ".join(f'"{s}"' for s in sources) + f"""]
cover_days = {num(COVER_DAYS)}
decision_delay_hours = 12""")


HUBEI_KEYS = ["hubei", "guangdong", "zhejiang", "jiangsu", "shandong", "henan", "hebei", "shanghai", "fujian",
              "jiangxi", "hunan", "anhui", "beijing", "guangxi"]
WUHAN_SHARE = 0.74     # Wuhan's share of Hubei's cases: ≈ 50 k of ≈ 68 k (NHC reports; estimate)
WUHAN_POP = 11.2


def hub_id(key, mode):
    return "wuhan-transfer" if (mode == "hubei" and key == "hubei") else f"{key}-hub"


def header(mode):
    if mode == "china":
        return """# china-2020.toml — medical protective supplies across mainland China, 24 Jan - 22 Apr 2020.
#
# All 31 provinces: Hubei high risk, the others medium and then low as they eased; surgical
# masks, N95 respirators, protective suits, ventilators (durable) and eye protection; melt-blown,
# non-woven and ventilator parts upstream; central dispatch with Hubei first; the green channel
# from the first notice of 24 Jan. Run:
#
#   cargo run --release --locked -- run scenarios/china-2020.toml --all-variants --replications 20 --out /tmp/cmp
#
# Node layout per province: a provincial hub (warehouse and transit point), a hospital pool
# (SEIR census), a community front line (CSV mask demand); factories and material makers only
# where production really was (Hubei, Guangdong, Zhejiang, Jiangsu, Shandong, Henan, Hebei,
# Fujian, Shanghai, Jiangxi, Beijing, plus the automakers in Guangdong and Guangxi); a national
# reserve. Trunk links join neighbouring provinces' hubs, plus priority express routes into Hubei.
"""
    return """# hubei-2020.toml — medical protective supplies for Hubei and the provinces that supplied it,
# 24 Jan - 22 Apr 2020.
#
# Hubei in detail (Wuhan and the other cities, the transfer stations around Wuhan, the provincial
# headquarters' warehouse, Hubei's own makers in Wuhan and Xiantao) and the provinces that made
# and moved its supplies: Guangdong, Zhejiang, Jiangsu, Shandong, Henan, Hebei, Shanghai, and
# - Fujian: masks and garment firms turned to suits;
# - Jiangxi: the Jinxian medical-consumables base, a neighbour of Hubei;
# - Hunan and Anhui: neighbours the Guangdong and Yangtze-delta trucks cross to reach Hubei;
# - Beijing: the central reserve, the state-owned melt-blown lines, a ventilator maker;
# - Guangxi: SGMW's converted mask lines;
# - RestOfChina: the other 17 provinces as one demand region, competing for centrally
#   allocated goods (so that the dispatch rule matters).
# Products: surgical masks, N95, protective suits, ventilators (durable) and eye protection;
# melt-blown, non-woven and ventilator parts upstream. Run:
#
#   cargo run --release --locked -- run scenarios/hubei-2020.toml --all-variants --replications 20 --out /tmp/cmp
"""


COMMON_HEADER_TAIL = """#
# Generated by scenarios/data/gen_scenarios.py from one table of figures shared by
# hubei-2020.toml and china-2020.toml; edit the script and regenerate rather than editing by
# hand (python3 scenarios/data/gen_scenarios.py).
#
# Citations: `data: "..."` quotes a row of /work/shared/data/china-2020-inputs.md (R reported,
# D derived, E estimate there). `estimate` marks a figure of ours, with the reason.
#
# What the run shows (calibration notes and measured figures at the end of the file): a severe
# early shortage of N95 and protective suits in Hubei that eases through February and into
# early March as key firms restart, workers return and conversions land; disposable masks short
# nationwide through February, easing in March; ventilators short in Hubei in the first weeks.
#
# Durations are days unless named hours; capacities are units per day at full staffing
# (shifts = 1 stands for the firm's usual round-the-clock pattern).
"""


def hubei_nodes(ep, csv_name):
    """Hubei in detail: transfer stations, HQ warehouse, Wuhan and the other cities."""
    c = census_of(ep)
    sh = shifts_series(c)
    nodes = []
    t = Node("wuhan-transfer", "warehouse", "Hubei",
             "Hubei: the transfer stations around Wuhan where trucks from other provinces unload and turn\n"
             "back. data: \"Hubei transfer hubs | 5 transfer stations (4 around Wuhan) for fast unload and return\".")
    nodes.append(t)
    nodes.append(Node("hubei-cities-transfer", "warehouse", "Hubei",
                      "Hubei: the fifth transfer station, serving the other cities (Xiaogan, Huanggang, Jingzhou, ...)."))
    peak = {}
    for hid, share, label in (("wuhan-hospitals", WUHAN_SHARE, "Wuhan"), ("hubei-cities-hospitals", 1 - WUHAN_SHARE, "the other Hubei cities")):
        pk = max(max(sh) * share, 50.0)
        peak[hid] = pk
        h = Node(hid, "hospital", "Hubei",
                 f"Hospitals of {label} treating COVID-19 patients (designated, shelter and ICU beds), pooled: a share\n"
                 f"{num(share, 2)} of Hubei's census (Wuhan ≈ 50 k of Hubei's ≈ 68 k cases: estimate from NHC reports).\n"
                 f"Peak census ≈ {comma(max(sum(r) for r in c) * share)} patients, {comma(max(sh) * share)} staff shifts/day.\n"
                 f"Eye protection is reordered from the provincial headquarters' warehouse.",
                 census=f"{{ share_of_region = {num(share, 2)} }}")
        pop = 59.3 * share
        for item, per_m in HOSP_STOCK_PER_M.items():
            h.stock[item] = per_m * pop
        h.stock_note = "per million people: 50 k masks, 300 N95, 100 suits, 8 ventilators, 200 goggles, 30 ECG monitors (estimate)"
        h.replenish.append(("eye_protection", "hubei-hq-warehouse", pk, 3 * pk, None, uni(2, 8)))
        nodes.append(h)
    hq = Node("hubei-hq-warehouse", "warehouse", "Hubei",
              "Hubei epidemic-control headquarters' materials warehouse: holds the province's stock of eye\n"
              "protection and reorders it from the Danyang (Jiangsu) makers; the hospitals reorder from it.")
    hq.stock["eye_protection"] = 500 * 59.3
    hq.stock_note = "500 per million people (estimate)"
    total = max(sh)
    hq.replenish.append(("eye_protection", "jiangsu-sme", 2 * total, 5 * total, None, uni(4, 24)))
    nodes.append(hq)
    for cid, col, pop, label in (("wuhan-community", "wuhan", WUHAN_POP, "Wuhan"),
                                 ("hubei-cities-community", "hubei_cities", 59.3 - WUHAN_POP, "the other Hubei cities")):
        cm = Node(cid, "hospital", "Hubei",
                  f"Front line outside hospitals in {label} (fever-clinic triage, community workers, police,\n"
                  f"transport, returning workers): direct mask demand from {csv_name}, column `{col}`.",
                  demand=[f'{{ product = "surgical_mask", csv = "data/{csv_name}", column = "{col}" }}'])
        cm.stock["surgical_mask"] = community_masks("hubei", pop, 0)
        cm.stock_note = "one day of its day-0 demand (estimate)"
        nodes.append(cm)
    return nodes


def build(mode):
    o = Out()
    if mode == "china":
        keys = [p[0] for p in PROV]
        demand_keys = keys
    else:
        keys = list(HUBEI_KEYS)
        rest = [p for p in PROV if p[0] not in keys]
        PK["restofchina"] = ("restofchina", "RestOfChina", round(sum(p[2] for p in rest), 1), 34.3, 108.9,
                             sum(p[5] for p in rest), "low", None)
        demand_keys = keys + ["restofchina"]
    # taplo's schema directive: editors check the file against the scenario format's schema.
    o("#:schema ./medsupply.schema.json")
    o(header(mode).rstrip())
    o(COMMON_HEADER_TAIL.rstrip())
    name = f"{mode}-2020"
    if mode == "china":
        common_head(o, name, "31 provinces, Hubei first: protective supplies in the 2020 surge", 100, ["Hubei", "Guangdong", "Zhejiang"])
    else:
        common_head(o, name, "Hubei and the provinces that supplied it: protective supplies in the 2020 surge", 50,
                    ["Hubei", "Guangdong", "RestOfChina"])
    risk_sections(o)
    o(f"""
# ---------------------------------------------------------------------------------------------
# The report's map fills each province within its outline from this file: Natural Earth admin-1
# boundaries (public domain), simplified; where it comes from and how it was made:
# data/README-map.md. A region takes the feature named like its id, or the one its `outline`
# names.
# ---------------------------------------------------------------------------------------------
[map]
geojson = "{MAP_FILE}"
name_property = "name"
""".rstrip())

    # regions
    if mode == "china":
        o("""
# ---------------------------------------------------------------------------------------------
# Regions: the 31 mainland provinces.""")
    else:
        o("""
# ---------------------------------------------------------------------------------------------
# Regions: Hubei, the 13 provinces above, and RestOfChina (the other 17 provinces as one region:
# 499 M people, ≈ 3,150 reported cases, low risk after 3 Feb).""")
    o("""# Risk levels: Hubei high, then medium from 12 Mar (Hubei's notice on orderly resumption in
# its low- and medium-risk areas) and low from 8 Apr (Wuhan's lockdown lifted). Every other
# province is medium at first: all had declared first-level responses by 29 Jan and villages and
# counties blocked roads on their own, data: "Road health checkpoints | > 20,000 (2 Feb)". Those
# with few cases fall to low on 3 Feb, when unauthorised road blocks were ordered cleared
# (estimate); those with about 500 or more cases, Beijing and Shanghai stay medium until they
# lowered their emergency response (21 Feb - 25 Mar; estimate from public announcements).
# data: "Jiangsu (low risk)"; data: "Outside Hubei | ... every province > 90 % (17 Mar)".
# ---------------------------------------------------------------------------------------------""")
    o(EPI_NOTE.rstrip())
    eps = {}
    for key in demand_keys:
        p = PK[key]
        _, region, pop, _, _, cases = p[:6]
        ep = epidemic_of(key, pop, cases)
        eps[key] = ep
        o()
        o(f"# {region}: {num(pop)} M people, ≈ {comma(cases)} reported cases (seed sizing).")
        o("[[region]]")
        o(f'id = "{region}"')
        if key in MAP_KEYS:
            feature = OUTLINE.get(key, region)
            lon, lat = MAP_POINT[feature]
            o(f"lon = {lon:.2f}")
            o(f"lat = {lat:.2f}")
            if feature != region:
                o(f'outline = "{feature}"')
        o(f"risk = {risk_str(risk_schedule(key))}")
        o(f"epidemic = {epidemic_str(ep)}")
        resume_region_extra(o, key, demand_keys)

    items_section(o, SUIT_RELEASE, MASK_RELEASE)
    o(ECG_ITEMS.rstrip())

    # nodes
    o("""
# ---------------------------------------------------------------------------------------------
# Nodes. Stocks on 24 Jan and every capacity not cited are estimates.
# ---------------------------------------------------------------------------------------------""")
    nodes = []
    if mode == "china":
        reserve = Node("national-reserve", "reserve", "Beijing",
                       "Central medical reserve, Beijing: released to dispatch once national hospital stock of any product it\n"
                       "holds falls under 5 days of demand (disposable masks do within days). Quantities: estimate.",
                       release="{ national_days_of_supply_below = 5.0 }")
    else:
        reserve = Node("national-reserve", "reserve", "Beijing",
                       "Central medical reserve, Beijing: released to dispatch on 25 Jan (day 1), when the first central\n"
                       "allocations left for Wuhan (estimate). Quantities: estimate.",
                       release="{ day = 1 }")
    reserve.stock = dict(RESERVE_STOCK)
    nodes.append(reserve)
    nodes.append(Node("import-parts", "source", "Shanghai",
                      "Imported ventilator parts (valves, sensors, turbines) flown into Shanghai; unlimited but slow.",
                      supplies=["vent_key_parts"]))
    csv_name = f"{name}-community-masks.csv"
    for key in demand_keys:
        eye_src = "guangdong-sme" if key in EYE_SOURCE_SOUTH else "jiangsu-sme"
        if mode == "hubei" and key == "hubei":
            nodes += hubei_nodes(eps[key], csv_name)
        else:
            nodes += province_demand_nodes(key, eps[key], csv_name, key, eye_src, hub_id(key, mode))
    prod = producers(keys) + special_producers(have_guangxi="guangxi" in keys)
    add_chain(prod)
    nodes += prod
    cols = []
    for k in demand_keys:
        if mode == "hubei" and k == "hubei":
            cols += [("wuhan", "hubei", WUHAN_POP), ("hubei_cities", "hubei", 59.3 - WUHAN_POP)]
        else:
            cols.append((k, k, PK[k][2]))
    write_community_csv(os.path.join(OUTDIR, "data", csv_name), cols)
    tables = Tables(name)
    for n in nodes:
        n.rows(tables)
    o(producers_note(keys).rstrip())

    # links
    o("""
# ---------------------------------------------------------------------------------------------
# Links. Lead times: ≈ 1 day per 1,000 km, data: "Priority transit times | ... ≈ 1 day per
# 1,000 km", over great-circle distances between capitals x 1.25 (estimate). A shipment entering
# another province waits at that province's checkpoints (and at those of the provinces a link
# names in `via`) unless the green channel lets it through. Truck capacity: trucks a day for
# medical goods and their inputs at full availability, times the national availability in
# [transport]: 15 on a trunk link, 10 into or out of Hubei, 6 on an express route (estimate,
# chosen so that capacity binds on the busiest corridors when only 15 % run in mid-February:
# then a trunk link carries ≈ 2 trucks a day, ≈ 2 M masks or 50 k suits; the hubei-2020 variant
# `trucks-full` shows what the shortage of trucks cost).
# ---------------------------------------------------------------------------------------------""")
    links = []
    region_key = {PK[k][1]: k for k in demand_keys}
    for key in demand_keys:
        if mode == "hubei" and key == "hubei":
            links.append(Link("wuhan-transfer", "wuhan-hospitals", tri(0.1, 0.25, 0.6), both=True,
                              comment="Inside Hubei: transfer stations to hospitals and the front line, the HQ warehouse, the other cities."))
            links.append(Link("wuhan-transfer", "wuhan-community", tri(0.1, 0.3, 0.8)))
            links.append(Link("wuhan-transfer", "hubei-cities-transfer", tri(0.2, 0.5, 1.0), both=True))
            links.append(Link("hubei-cities-transfer", "hubei-cities-hospitals", tri(0.1, 0.3, 0.8), both=True))
            links.append(Link("hubei-cities-transfer", "hubei-cities-community", tri(0.1, 0.3, 0.8)))
            links.append(Link("hubei-hq-warehouse", "wuhan-transfer", tri(0.05, 0.1, 0.3), both=True))
            links.append(Link("hubei-hq-warehouse", "wuhan-hospitals", tri(0.1, 0.2, 0.5)))
            continue
        # Two-way: redeployment sends idle ventilators and monitors back out through the hub.
        links.append(Link(hub_id(key, mode), f"{key}-hospitals", tri(0.1, 0.25, 0.6), both=True))
        links.append(Link(hub_id(key, mode), f"{key}-community", tri(0.1, 0.3, 0.8)))
    for n in prod:
        hub = hub_id(region_key[n.region], mode)
        links.append(Link(n.id, hub, tri(0.1, 0.3, 0.8), both=True))
        for r in n.replenish:
            src = next((m for m in prod if m.id == r[1]), None)
            if src is not None and src.region == n.region and src.kind == "supplier" and not any(
                    l.frm == src.id and l.to == n.id for l in links):
                links.append(Link(src.id, n.id, tri(0.1, 0.25, 0.6)))
    links.append(Link("national-reserve", "beijing-hub", tri(0.1, 0.2, 0.5)))
    links.append(Link("import-parts", "shanghai-hub", tri(4, 7, 14), mode="air",
                      comment="International air freight and customs clearance of imported parts (estimate)."))
    first = True
    for a, b in edges(set(keys)):
        trucks = HUBEI_TRUCKS if "hubei" in (a, b) else TRUNK_TRUCKS
        comment = None
        if first:
            comment = ("Trunk links between neighbouring provinces (both ways). Into and out of Hubei: fewer trucks\n"
                       "(estimate: drivers back from Hubei were quarantined 14 days, data: \"Trucks running | ... drivers back\n"
                       "from Hubei quarantined 14 days\") and random local road closures, 1 %/day for 0.5-2 days (estimate).")
            first = False
        links.append(trunk_link(a, b, trucks, comment, mode))
    if mode == "hubei":
        for k, lead in (("beijing", tri(1.0, 1.5, 2.5)), ("henan", tri(1.0, 1.5, 2.5)), ("hunan", tri(1.0, 1.5, 2.5))):
            links.append(Link(f"{k}-hub", "restofchina-hub", lead, id=f"trunk:{k}-restofchina", capacity=TRUNK_TRUCKS,
                              background=background_of(TRUNK_TRUCKS),
                              comment=("Links into the rest of China (one way: it makes nothing, and trucks do not cross it): the\n"
                                       "north-east and north by Beijing, the north-west by Henan, the south-west by Hunan; ≈ 1,500 km\n"
                                       "average haul (estimate).") if k == "beijing" else None))
    first = True
    for src, via, lead, lmode, note in EXPRESS:
        if src not in keys:
            continue
        comment = None
        if first:
            comment = ("Priority express routes into Hubei from the big producers (one way), crossing the provinces named in\n"
                       "`via` (their checkpoints apply off the green channel).")
            first = False
        links.append(Link(f"{src}-hub", hub_id("hubei", mode), lead, comment=(comment + "\n" if comment else "") + note,
                          id=f"express:{src}-hubei", mode=lmode, capacity=EXPRESS_TRUCKS, via=via))
    links += air_express_links(keys, mode)
    add_tolls(links)
    for l in links:
        l.rows(tables)
    o("""
# ---------------------------------------------------------------------------------------------
# The nodes (with their lines, conversions, stock and replenishment rules) and the links are
# tables: one CSV row per entry, in the order above, its notes and citations in the `#` lines
# above it. Variants reach their rows by id like inline entries (`node.hubei-key.shifts`).
# ---------------------------------------------------------------------------------------------""")
    tables.write(o)

    transport_sections(o, "Variants move the start to 1 Feb (the second notice) or switch it off.")
    sources = [n.id for n in prod if n.kind == "factory" and not n.id.endswith("-sme")] + ["national-reserve"]
    dispatch_section(o, sources)
    o(REDEPLOYMENT.rstrip())
    o(DISRUPTION.replace("HUBEI_HUB", hub_id("hubei", mode)).rstrip())
    o(VARIANTS_COMMON.rstrip())
    o(chains_variants(prod).rstrip())
    o(VARIANTS_ALLOC[mode].rstrip())
    o(resume_variants(prod).rstrip())
    if mode == "hubei":
        o(VARIANTS_HUBEI.rstrip())
    o(CALIBRATION_NOTES.get(mode, "").rstrip())
    text = o.text()
    if mode == "china":
        text = calibrated(text)
    return text


# Calibrated values (china-2020 only). Fitted by `medsupply calibrate` to the rows of
# scenarios/data/china-2020-observed.csv (briefings up to 12 Feb 2020), from the inputs above as
# the prior; docs/validation.md has the command, the fit and what the model cannot reproduce.
# Each entry: dotted path, the text the uncalibrated input has in the file, the fitted value and
# its plausible range (candidates within 3.84 of the best discrepancy). The inputs above stay the
# uncalibrated ones, kept as the `uncalibrated` variant; hubei-2020 was not fitted and keeps them.
CALIBRATED = [
    ("policy.productivity_under_controls", "productivity_under_controls = 0.85\n", 0.85, 0.894489, "0.887..0.894"),
    ("policy.priority_restart_factor", "priority_restart_factor = 0.3\n", 0.3, 0.428571, "0.426..0.432"),
    ("workers.initial_share", "initial_share = 0.4\n", 0.4, 0.69615, "0.681..0.697"),
    ("risk_levels.medium.worker_return_rate", "worker_return_rate = 0.03\n", 0.03, 0.0706476, "0.061..0.071"),
    ("risk_levels.high.worker_return_rate", "worker_return_rate = 0.025\n", 0.025, 0.06, "0.043..0.060"),
    ("transport.truck_availability.2.share", "{ day = 17, share = 0.15 }", 0.15, 0.220823, "0.177..0.221"),
]


def calibrated(text):
    """The china-2020 text with the calibrated values in place of the inputs, each with a
    `calibrated:` comment, and the `uncalibrated` variant that restores the inputs."""
    for path, was, prior, value, plausible in CALIBRATED:
        assert text.count(was) == 1, (path, text.count(was))
        note = f"# calibrated: input {prior}, plausible {plausible} (docs/validation.md)\n"
        now = was.replace(num(prior), repr(value))
        if was.endswith("\n"):
            text = text.replace(was, note + now)
        else:
            line_start = text.rindex("\n", 0, text.index(was)) + 1
            text = text[:line_start] + note + text[line_start:].replace(was, now, 1)
    sets = ", ".join(f'"{path}" = {num(prior)}' for path, _, prior, _, _ in CALIBRATED)
    variant = ("\n[[variant]]\nname = \"uncalibrated\"\n"
               "description = \"The inputs as sourced and estimated, before calibration to the 12 Feb briefings.\"\n"
               f"set = {{ {sets} }}\n")
    cut = text.index("[[variant]]")
    return text[:cut] + variant.lstrip("\n") + "\n" + text[cut:]


SUIT_RELEASE = (tri(1, 7, 14), "ethylene-oxide sterilisation and degassing, data: \"Sterilisation before release (masks, suits)\n"
                "# | ethylene-oxide sterilisation and degassing 7-14 days\" (weak source). Chosen: triangular(1, 7, 14): the\n"
                "# mode at the short end of the EO cycle because plants shortened degassing under the emergency rules, and a\n"
                "# minimum of 1 day for the part of the output sterilised by irradiation from February (estimate).")
MASK_RELEASE = (tri(1, 3, 14), "most disposable medical masks ship non-sterile after 1-3 days of quality release; the\n"
                "# EO-sterilised surgical share takes 7-14 days, data: \"Sterilisation before release (masks, suits) | ... 7-14\n"
                "# days\". Chosen: triangular(1, 3, 14) (estimate).")

DISRUPTION = """
# Heavy snow over Henan and Hubei on 14-15 Feb closed the main Henan -> Hubei highway for a day
# (estimate).
[[disruption]]
link = "trunk:henan-hubei"
day = 22
days = 1"""

VARIANTS_COMMON = """
# ---------------------------------------------------------------------------------------------
# Policy variants (paired with the base through common random numbers).
# ---------------------------------------------------------------------------------------------
[[variant]]
name = "no-green-channel"
description = "No green channel: medical goods and their inputs wait at every provincial checkpoint."
set = { "green_channel.enabled" = false }

[[variant]]
name = "green-no-capacity-priority"
description = "Green channel without its claim on truck capacity: medical goods share trucks with ordinary freight, but still skip checkpoints."
set = { "green_channel.capacity_priority" = false }

[[variant]]
name = "green-no-checkpoint-lane"
description = "Green channel without its checkpoint lane: medical goods go first for trucks but queue at checkpoints with ordinary freight."
set = { "green_channel.checkpoint_lane" = "none" }

[[variant]]
name = "green-priority-lane"
description = "Green channel vehicles are served first at checkpoints (24 Jan notice, 'priority passage') instead of not stopping (1 Feb notice)."
set = { "green_channel.checkpoint_lane" = "priority" }

[[variant]]
name = "green-channel-feb1"
description = "Green channel only from the second notice of 1 Feb (day 8) instead of 24 Jan."
set = { "green_channel.start_day" = 8 }

[[variant]]
name = "proportional"
description = "Central dispatch in proportion to need instead of Hubei first."
set = { "dispatch.rule" = "proportional" }

[[variant]]
name = "no-conversion"
description = "No line conversion or expansion: no automaker mask lines, no garment-firm suits, no new N95, melt-blown or ventilator lines."
set = { "policy.conversion" = false }

[[variant]]
name = "no-sme-financing"
description = "No financing support: small and medium firms (mask entrants, garment converters, material and parts makers) restart later, and the mask and suit makers get no loan for fabric."
set = { "policy.sme_financing" = false }

[[variant]]
name = "green-no-routing"
description = "Green channel as in the base, but routes are chosen as if it did not exist: measures routing's share of its effect (against no-green-channel)."
set = { "green_channel.routing" = false }"""

REDEPLOYMENT = """
# ---------------------------------------------------------------------------------------------
# Redeployment of durables (off in the base; the variants switch it on): once a province's need
# for ventilators (or ECG monitors) has peaked and fallen for a week, its hospitals send idle
# units (fleet less units in use) to hospitals short of them in provinces not yet past their
# peak, keeping 30 % of the idle units against a rebound and sending at most 20 % of the fleet
# a day; a day to decommission, disinfect and pack, then the road. All estimates: medical teams
# sent to Hubei in February 2020 took equipment with them, but no rule was published.
# ---------------------------------------------------------------------------------------------
[[redeployment]]
enabled = false
product = "ventilator"
after_peak_days = 7
keep_share = 0.3
max_share = 0.2
lead_time_days = 1

[[redeployment]]
enabled = false
product = "ecg_monitor"
after_peak_days = 7
keep_share = 0.3
max_share = 0.2
lead_time_days = 1"""

# Variants of allocation within a region, redeployment and reserve release, per scenario.
VARIANTS_REDEPLOY = """
[[variant]]
name = "ventilator-redeployment"
description = "Idle ventilators move from provinces a week past their peak to provinces short of them."
set = { "redeployment.0.enabled" = true }

[[variant]]
name = "durable-redeployment"
description = "Idle ventilators and ECG monitors move from provinces a week past their peak to provinces short of them."
set = { "redeployment.0.enabled" = true, "redeployment.1.enabled" = true }"""

VARIANTS_ALLOC = {
    "china": VARIANTS_REDEPLOY + """

[[variant]]
name = "reserve-per-product"
description = "The central reserve releases each product on its own when national hospital stock of that product falls under 5 days, instead of everything at the first."
set = { "node.national-reserve.release.per_product" = true }""",
    "hubei": VARIANTS_REDEPLOY + """

[[variant]]
name = "wuhan-first"
description = "Within Hubei, dispatch fills Wuhan's hospitals and front line first, up to their need, before the other cities."
set = { "dispatch.priority_hospitals" = ["wuhan-hospitals", "wuhan-community"] }""",
}

VARIANTS_HUBEI = """
[[variant]]
name = "eo-sterilisation"
description = "Full ethylene-oxide cycle for masks and suits, 7-14 days (data: \\"Sterilisation before release\\"), no irradiation or shortened degassing."
set = { "product.surgical_mask.release_delay_days.min" = 7, "product.surgical_mask.release_delay_days.mode" = 10, "product.surgical_mask.release_delay_days.max" = 14, "product.protective_suit.release_delay_days.min" = 7, "product.protective_suit.release_delay_days.mode" = 10, "product.protective_suit.release_delay_days.max" = 14 }

[[variant]]
name = "esft-burn-rates"
description = "WHO ESFT burn rates: 1 respirator and 1 gown per health-worker shift instead of Wuhan practice."
set = { "burn.n95.per_staff_shift" = 1.0, "burn.protective_suit.per_staff_shift" = 1.0 }

[[variant]]
name = "reserve-from-feb7"
description = "The central reserve is released only on 7 Feb (day 14)."
set = { "node.national-reserve.release.day" = 14 }

[[variant]]
name = "trucks-full"
description = "All trucks running throughout (no Spring Festival or mid-February truck shortage): shows what the shortage of trucks cost."
set = { "transport.truck_availability.0.share" = 1.0, "transport.truck_availability.1.share" = 1.0, "transport.truck_availability.2.share" = 1.0, "transport.truck_availability.3.share" = 1.0, "transport.truck_availability.4.share" = 1.0, "transport.truck_availability.5.share" = 1.0, "transport.truck_availability.6.share" = 1.0 }"""

CALIBRATION_NOTES = {
    "china": """
# ---------------------------------------------------------------------------------------------
# Calibration. The base carries six values fitted by `medsupply calibrate` to the briefings up
# to 12 Feb 2020 (marked `# calibrated:` above); the `uncalibrated` variant keeps the inputs.
# docs/validation.md has the command, the fit row by row and what the model cannot reproduce.
# Measure the variants against the base (paired 95 % CIs, common random numbers) with
#   cargo run --release --locked -- compare scenarios/china-2020.toml --all --replications 20 --out /tmp/cmp
# ---------------------------------------------------------------------------------------------""",
    "hubei": """
# ---------------------------------------------------------------------------------------------
# Validation. This scenario is not calibrated; docs/validation.md holds china-2020 against the
# observed figures. Measure the variants against the base (paired 95 % CIs, common random
# numbers) with
#   cargo run --release --locked -- compare scenarios/hubei-2020.toml --all --replications 20 --out /tmp/cmp
# ---------------------------------------------------------------------------------------------""",
}


if __name__ == "__main__":
    os.makedirs(os.path.join(OUTDIR, "data"), exist_ok=True)
    which = ENV.get("ONLY", "china,hubei").split(",")
    for mode in ("china", "hubei"):
        if mode in which:
            with open(os.path.join(OUTDIR, f"{mode}-2020.toml"), "w") as fh:
                fh.write(build(mode))
