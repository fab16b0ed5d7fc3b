// Concurrent-viewer profiles, the single source of both the scenario's arrival phases (viewers.js)
// and each viewer's leave time (viewer.js).
//
// A profile is a list of stages as the seed plan's k6 script writes them: over `duration` seconds the
// number of concurrent viewers moves linearly to `target`. Artillery models arrivals, not concurrency,
// so a profile becomes:
//   - arrivals: a stage that rises from a to b brings b - a viewers, spread evenly over it (Artillery's
//     `arrivalCount`), so the count rises along the same line; a stage that holds or falls brings none
//     (a `pause`);
//   - leaves: first in, first out. Viewer number n (the n-th to arrive, from the profile's own count
//     of arrivals at its arrival time) leaves when the profile's departures so far (arrivals so far
//     minus the concurrent count) reach n, so the count falls along the line too, and the last to
//     arrive still watches for the whole ramp down (at least 30 s in the seed's shape). A viewer also
//     leaves when its stream ends. Whoever is left at the end of the last stage leaves then.
'use strict';

const os = require('node:os');

/** The seed plan's shape (phase 7, section 3): 30 s -> 10, 1 min -> 50, 2 min -> 100, 1 min -> 200, 30 s -> 0. */
const SEED_SHAPE = [
  { duration: 30, target: 10 },
  { duration: 60, target: 50 },
  { duration: 120, target: 100 },
  { duration: 60, target: 200 },
  { duration: 30, target: 0 },
];

const PROFILES = {
  // The seed plan's load test, peak 200.
  load: { peak: 200, stages: SEED_SHAPE },
  // The same shape to 500 (every target x 2.5): 25, 125, 250, 500, 0.
  stress: { peak: 500, stages: SEED_SHAPE },
  // One minute at 50: all arrive in 10 s, stay 40 s, leave in the last 10 s.
  smoke: {
    peak: 50,
    stages: [
      { duration: 10, target: 50 },
      { duration: 40, target: 50 },
      { duration: 10, target: 0 },
    ],
  },
};

/**
 * The stages of a profile with their targets scaled to `viewers` at the peak (LOAD_VIEWERS) and their
 * durations to `seconds` in all (LOAD_SECONDS, for short runs), each with its start time and the count
 * it starts from.
 */
function stagesOf(name, viewers = requestedViewers(), seconds = requestedSeconds()) {
  const profile = PROFILES[name];
  if (!profile) {
    throw new Error(`Unknown load profile '${name}': one of ${Object.keys(PROFILES).join(', ')} (artillery -e <profile>).`);
  }

  const basePeak = Math.max(...profile.stages.map(s => s.target));
  const peak = viewers > 0 ? viewers : profile.peak;
  const baseSeconds = profile.stages.reduce((sum, s) => sum + s.duration, 0);
  const stretch = seconds > 0 ? seconds / baseSeconds : 1;
  let at = 0;
  let from = 0;
  return profile.stages.map((stage, index) => {
    const target = Math.round((stage.target * peak) / basePeak);
    const duration = Math.max(1, Math.round(stage.duration * stretch));
    const result = { index: index + 1, start: at, duration, from, target };
    at += duration;
    from = target;
    return result;
  });
}

function positive(name) {
  const value = Number.parseInt(process.env[name] ?? '', 10);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** The peak the run asks for: LOAD_VIEWERS, else (0) the profile's own. */
function requestedViewers() {
  return positive('LOAD_VIEWERS');
}

/** The length the run asks for: LOAD_SECONDS, else (0) the profile's own. */
function requestedSeconds() {
  return positive('LOAD_SECONDS');
}

/** Artillery phases: arrivals where the count rises, pauses where it holds or falls. */
function phasesOf(name) {
  return stagesOf(name).map(stage => {
    const rise = stage.target - stage.from;
    const label = `${stage.index}: ${stage.duration} s -> ${stage.target} viewers`;
    return rise > 0
      ? { name: label, duration: stage.duration, arrivalCount: rise }
      : { name: label, pause: stage.duration };
  });
}

/** Concurrent viewers the profile asks for `t` seconds after its start. */
function concurrencyAt(stages, t) {
  for (const stage of stages) {
    if (t < stage.start + stage.duration) {
      const into = Math.max(0, t - stage.start);
      return stage.from + ((stage.target - stage.from) * into) / stage.duration;
    }
  }

  return stages[stages.length - 1].target;
}

/** The stage (1-based) `t` seconds after the start falls in; past the end, the last. */
function stageAt(stages, t) {
  const stage = stages.find(s => t < s.start + s.duration) ?? stages[stages.length - 1];
  return stage.index;
}

/** Viewers the profile has brought by `t` seconds after its start (its rises, summed). */
function arrivalsAt(stages, t) {
  let arrivals = 0;
  for (const stage of stages) {
    const rise = Math.max(0, stage.target - stage.from);
    if (t >= stage.start + stage.duration) {
      arrivals += rise;
    } else {
      arrivals += (rise * Math.max(0, t - stage.start)) / stage.duration;
      break;
    }
  }

  return arrivals;
}

/** Viewers gone by `t`: arrived minus still watching. */
function departuresAt(stages, t) {
  return arrivalsAt(stages, t) - concurrencyAt(stages, t);
}

/** Seconds after the start at which viewer number `n` (the n-th to arrive), arrived at `arrivedAt`, leaves (see the top). */
function leaveTime(stages, n, arrivedAt) {
  for (const stage of stages) {
    const end = stage.start + stage.duration;
    const before = departuresAt(stages, stage.start);
    const after = departuresAt(stages, end);
    if (end <= arrivedAt || after < n) {
      continue;
    }

    const t = after > before ? stage.start + ((n - before) / (after - before)) * stage.duration : stage.start;
    return Math.max(arrivedAt, Math.min(end, t));
  }

  const last = stages[stages.length - 1];
  return last.start + last.duration;
}

/**
 * Seconds from the start of the phases to this worker's first arrival. Artillery splits the arrivals
 * among its worker threads (one per core but one; a single one on two cores) and each worker's first
 * arrival comes one interval into the first rising stage.
 */
function firstArrivalOffset(stages) {
  const workers = Math.max(1, os.cpus().length - 1);
  const first = stages.find(s => s.target > s.from);
  return first ? first.start + (first.duration * workers) / (first.target - first.from) : 0;
}

module.exports = { PROFILES, stagesOf, phasesOf, concurrencyAt, arrivalsAt, stageAt, leaveTime, firstArrivalOffset };
