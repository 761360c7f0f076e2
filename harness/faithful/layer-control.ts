/**
 * The layer's own control routes, beside the fault rules, for a harness in another process (the
 * local stack's users, a test driving the suite's layer server):
 *   GET  /__faults/timing                    → { promotion, rds, route53, globalCluster } in ms
 *   POST /__faults/timing  { "rds": { "creatingMs": 1000 }, "promotion": { "modifyingMs": 500 } }
 *   GET  /__faults/health-checks             → the seeded observations per health check
 *   PUT  /__faults/health-checks/<id>  { "failing": 12 } | { "observations": [{ region, ipAddress, status }] }
 *   DELETE /__faults/health-checks[/<id>]    → back to moto's answer
 */
import { type ControlRoutes } from '../fault-proxy/control';
import { jsonAnswer } from '../fault-proxy/http';
import { type PromotionTiming } from './rds-promotion';
import { type HealthCheckObservations } from './route53-health';
import { type LayerTiming, patchTiming } from './timing';

export interface LayerControlTargets {
  timing: LayerTiming;
  promotion: PromotionTiming;
  healthChecks: HealthCheckObservations;
}

const HEALTH_CHECK = /^\/__faults\/health-checks(?:\/([^/]+))?$/;

function json(body: Buffer): Record<string, unknown> {
  const value: unknown = JSON.parse(body.toString('utf8') || '{}');
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('expected a JSON object');
  return value as Record<string, unknown>;
}

function patchPromotion(promotion: PromotionTiming, patch: unknown): void {
  if (patch === undefined) return;
  if (!patch || typeof patch !== 'object') throw new Error('promotion must be an object');
  for (const [name, value] of Object.entries(patch)) {
    if (!(name in promotion)) throw new Error(`unknown timing promotion.${name}`);
    if (typeof value !== 'number' || value < 0) throw new Error(`timing promotion.${name} must be ms >= 0`);
    (promotion as unknown as Record<string, number>)[name] = value;
  }
}

export function layerControlRoutes(targets: LayerControlTargets): ControlRoutes {
  const timing = () => jsonAnswer(200, { promotion: targets.promotion, ...targets.timing });
  return (method, path, body) => {
    if (path === '/__faults/timing') {
      if (method === 'GET') return timing();
      if (method !== 'POST' && method !== 'PATCH') return undefined;
      const { promotion, ...rest } = json(body);
      // Checked in full before anything changes, so a bad request changes nothing.
      const trial = structuredClone({ timing: targets.timing, promotion: targets.promotion });
      patchPromotion(trial.promotion, promotion);
      patchTiming(trial.timing, rest);
      patchPromotion(targets.promotion, promotion);
      patchTiming(targets.timing, rest);
      return timing();
    }
    const m = HEALTH_CHECK.exec(path);
    if (!m) return undefined;
    const id = m[1] === undefined ? undefined : decodeURIComponent(m[1]);
    if (method === 'GET' && id === undefined) return jsonAnswer(200, targets.healthChecks.seeded());
    if (method === 'DELETE') {
      targets.healthChecks.forget(id);
      return jsonAnswer(200, { ok: true });
    }
    if ((method === 'PUT' || method === 'POST') && id !== undefined) {
      targets.healthChecks.observe(id, json(body));
      return jsonAnswer(200, { ok: true, healthCheckId: id, observations: targets.healthChecks.seeded()[id] });
    }
    return undefined;
  };
}
