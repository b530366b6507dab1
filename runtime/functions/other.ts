// Functions that belong to no family: AS_VALUE and GEO_DISTANCE.

import type { FunctionDef } from '../../planner/functions.js';
import { DOUBLE } from '../../planner/types.js';
import { Category, lenient, scalar } from './define.js';
import { P_DOUBLE, P_STRING, T } from './params.js';
import { bound } from './resolve.js';

const EARTH_RADIUS: Readonly<Record<string, number>> = {
  KM: 6371,
  KILOMETER: 6371,
  KILOMETERS: 6371,
  MI: 3959,
  MILE: 3959,
  MILES: 3959,
};

const toRadians = (deg: number) => (deg / 180) * Math.PI;
const haversin = (rad: number) => Math.sin(rad / 2) ** 2;

/** Great-circle distance by the haversine formula, as ksqlDB computes it. */
function geoDistance(lat1: number, lon1: number, lat2: number, lon2: number, unit: string | null): number {
  const radius = EARTH_RADIUS[(unit ?? 'KM').toUpperCase()];
  if (radius === undefined) throw new RangeError(`GEO_DISTANCE unit must be KM or MI (got '${unit}')`);
  for (const lat of [lat1, lat2]) if (lat < -90 || lat > 90) throw new RangeError(`Latitude must be between -90 and 90: ${lat}`);
  for (const lon of [lon1, lon2]) if (lon < -180 || lon > 180) throw new RangeError(`Longitude must be between -180 and 180: ${lon}`);
  const a =
    haversin(toRadians(lat2 - lat1)) + haversin(toRadians(lon2 - lon1)) * Math.cos(toRadians(lat1)) * Math.cos(toRadians(lat2));
  return 2 * Math.asin(Math.sqrt(a)) * radius;
}

const COORDS = [P_DOUBLE, P_DOUBLE, P_DOUBLE, P_DOUBLE];
const anyNull = (xs: readonly unknown[]) => xs.some((x) => x === null);

export const otherFunctions: readonly FunctionDef[] = [
  scalar(
    'AS_VALUE',
    Category.OTHER,
    'Copies a value, typically a key column, into the value of the result (so it is not part of the key).',
    [lenient([T], (call) => bound(call, 'T'), (x: unknown) => x)],
  ),
  scalar(
    'GEO_DISTANCE',
    Category.OTHER,
    "The great-circle distance between two latitude/longitude points, in kilometres or, with 'MI', miles.",
    [
      lenient(COORDS, DOUBLE, (a: number, b: number, c: number, d: number) => (anyNull([a, b, c, d]) ? null : geoDistance(a, b, c, d, null))),
      lenient([...COORDS, P_STRING], DOUBLE, (a: number, b: number, c: number, d: number, unit: string | null) =>
        anyNull([a, b, c, d]) ? null : geoDistance(a, b, c, d, unit),
      ),
    ],
  ),
];
