/** Several action targets as one: planned, described and applied in the order given. */

import type { ActionTarget } from './action-target.js';

export function combineTargets(targets: readonly ActionTarget[]): ActionTarget<unknown[]> {
  return {
    plan: async (groups) => Promise.all(targets.map((target) => target.plan(groups))),
    describe: (plans) => targets.flatMap((target, index) => target.describe(plans[index])),
    planned: (plans) => targets.flatMap((target, index) => target.planned(plans[index])),
    question: (plans) => {
      const questions = targets.map((target, index) => target.question?.(plans[index])).filter((question): question is string => question !== undefined);
      return questions.length > 0 ? questions.join(' ') : undefined;
    },
    apply: async (plans, context) => {
      const actions = [];
      for (const [index, target] of targets.entries()) actions.push(...(await target.apply(plans[index], context)));
      return actions;
    },
  };
}
