// Routing: which destinations an instance goes to (forward layer; pure functions over config).
// A route matches when every pattern it sets matches ('*' any run, '?' one character, exact case).
// The destinations of all matching routes are used; with no routes configured, every destination.
import type { Config, RouteConfig } from '../config/types.js';

export interface RoutingFacts {
  callingAeTitle: string;
  calledAeTitle: string;
  modality?: string;
  sopClassUid: string;
}

const cache = new Map<string, RegExp>();
function glob(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
    cache.set(pattern, re);
  }
  return re;
}

export function routeMatches(r: RouteConfig, f: RoutingFacts): boolean {
  if (r.callingAeTitle !== undefined && !glob(r.callingAeTitle).test(f.callingAeTitle)) return false;
  if (r.calledAeTitle !== undefined && !glob(r.calledAeTitle).test(f.calledAeTitle)) return false;
  if (r.modality !== undefined && !glob(r.modality).test(f.modality ?? '')) return false;
  if (r.sopClassUid !== undefined && !glob(r.sopClassUid).test(f.sopClassUid)) return false;
  return true;
}

/** Destination names for an instance, in configuration order, without duplicates. */
export function routeInstance(cfg: Pick<Config, 'routes' | 'destinations'>, f: RoutingFacts): string[] {
  if (cfg.routes.length === 0) return cfg.destinations.map((d) => d.name);
  const out = new Set<string>();
  for (const r of cfg.routes) if (routeMatches(r, f)) for (const d of r.destinations) out.add(d);
  return [...out];
}
