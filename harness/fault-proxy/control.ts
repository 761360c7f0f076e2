/**
 * What a harness can do to a running fault proxy: in-process through the FaultProxy handle, or
 * from another process over `/__faults/rules` and `/__faults/stats` (see cli.ts).
 */
import { type Answer, jsonAnswer } from './http';
import { type FaultRule, parseRules, ruleToJson } from './rules';
import { type FaultStats } from './stats';

export interface FaultControl {
  /** Replaces the rules and drops the peering windows the old ones armed. */
  setRules(rules: FaultRule[]): void;
  addRule(r: FaultRule): void;
  /** Same as setRules([]). */
  clearRules(): void;
  rules(): FaultRule[];
  stats(): FaultStats;
  resetStats(): void;
}

export const CONTROL_PREFIX = '/__faults/';

/** More control routes (the layer's timing and seeds): an answer, or undefined for "no such route". */
export type ControlRoutes = (method: string, path: string, body: Buffer) => Answer | undefined;

function done(control: FaultControl, action: () => void): Answer {
  action();
  return jsonAnswer(200, { ok: true, rules: control.rules().length });
}

/** The answer to a control request; bad JSON or rules answer 400 with the reason. */
export function controlAnswer(
  control: FaultControl,
  method: string,
  url: string,
  body: Buffer,
  more?: ControlRoutes,
): Answer {
  const path = url.split('?')[0];
  try {
    if (path === '/__faults/stats' && method === 'GET') return jsonAnswer(200, control.stats());
    if (path === '/__faults/stats' && method === 'DELETE') return done(control, () => control.resetStats());
    if (path === '/__faults/rules' && method === 'GET') return jsonAnswer(200, control.rules().map(ruleToJson));
    if (path === '/__faults/rules' && method === 'POST') {
      const rules = parseRules(JSON.parse(body.toString('utf8')));
      return done(control, () => control.setRules(rules));
    }
    if (path === '/__faults/rules' && method === 'DELETE') return done(control, () => control.clearRules());
    const answer = more?.(method, path ?? '', body);
    if (answer) return answer;
    return jsonAnswer(404, { error: `no control route ${method} ${path}` });
  } catch (err) {
    return jsonAnswer(400, { error: err instanceof Error ? err.message : String(err) });
  }
}
