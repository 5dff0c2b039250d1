/** The local output folder as an action target: copy each group into `<out>/group-NNNN/`. */

import type { ReportAction } from '../core/report.js';
import { throwIfCancelled } from '../core/errors.js';
import type { PhotoGroup } from '../grouping/group-engine.js';
import type { ActionTarget, ApplyContext } from './action-target.js';
import { copyIntoOutput, removeLeftoverTemps } from './local-output.js';
import { planLocalOutput, type Plan } from './plan.js';

export function localOutputTarget(outputDir: string, includeSimilar: boolean): ActionTarget<Plan> {
  return {
    plan: (groups: readonly PhotoGroup[]) => planLocalOutput(groups, { outputDir, includeSimilar }),
    describe: (plan) => {
      const groups = new Set(plan.steps.map((step) => step.group)).size;
      return [`Would copy ${plan.steps.length} photos of ${groups} groups into ${outputDir}`];
    },
    planned: (plan) => (plan.steps.length > 0 ? [{ type: 'copy', target: outputDir, count: plan.steps.length, status: 'planned' }] : []),
    apply: async (plan, context: ApplyContext) => {
      await removeLeftoverTemps(outputDir);
      let done = 0;
      let unchanged = 0;
      const failures: string[] = [];
      for (const [index, step] of plan.steps.entries()) {
        throwIfCancelled(context.signal);
        const outcome = await copyIntoOutput(step);
        context.onProgress?.({ stage: 'apply', done: index + 1, total: plan.steps.length });
        if (outcome.status === 'failed') {
          failures.push(`${step.from}: ${outcome.error}`);
          context.logger.warn(`could not copy ${step.from}: ${outcome.error}`);
        } else if (outcome.status === 'unchanged') {
          unchanged++;
        } else {
          done++;
          context.journal.record({ runId: context.runId, action: 'copy', target: outcome.path, subject: JSON.stringify({ from: step.from, group: step.group }), detail: undefined });
        }
      }
      const actions: ReportAction[] = [];
      if (done > 0) actions.push({ type: 'copy', target: outputDir, count: done, status: 'done' });
      if (unchanged > 0) actions.push({ type: 'copy', target: outputDir, count: unchanged, status: 'unchanged' });
      if (failures.length > 0) actions.push({ type: 'copy', target: outputDir, count: failures.length, status: 'failed', error: failures.slice(0, 5).join('; ') });
      return actions;
    },
  };
}
