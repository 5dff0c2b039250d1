/**
 * The plan: the list of changes a run would make, as a plain value. Dry-run prints it, apply
 * carries it out, the report and the journal describe it. Building it is pure.
 */

import path from 'node:path';
import type { Photo } from '../core/photo.js';
import type { PhotoGroup } from '../grouping/group-engine.js';

export interface CopyStep {
  type: 'copy';
  group: string;
  /** The original, only ever read. */
  from: string;
  /** Folder inside the output folder, and the file name wanted there. */
  folder: string;
  name: string;
}

export type PlanStep = CopyStep;

export interface Plan {
  steps: PlanStep[];
}

export interface LocalPlanOptions {
  outputDir?: string;
  /** Act on `similar` groups too; by default they are only reported. */
  includeSimilar: boolean;
}

/**
 * A photo this run may change: not a reference photo, and not another user's (a partner's photo, or
 * one from an album shared with the user). Others' photos are grouped and may be the best, but no
 * write is ever planned for them.
 */
export function isOwnPhoto(photo: Photo): boolean {
  return photo.isReference !== true && photo.owner?.mine !== false;
}

export function actionableGroups(groups: readonly PhotoGroup[], includeSimilar: boolean): PhotoGroup[] {
  return groups.filter((group) => includeSimilar || group.kind !== 'similar');
}

/** Each group into `<out>/group-0001/`, best first (prefixed `best-`); reference photos are never copied. */
export function planLocalOutput(groups: readonly PhotoGroup[], options: LocalPlanOptions): Plan {
  const steps: PlanStep[] = [];
  if (!options.outputDir) return { steps };
  for (const group of actionableGroups(groups, options.includeSimilar)) {
    const folder = path.join(options.outputDir, group.id);
    const used = new Set<string>();
    for (const member of group.members) {
      if (member.photo.isReference) continue;
      const base = safeFileName(member.photo.path);
      const name = uniqueName(member === group.best ? `best-${base}` : base, used);
      steps.push({ type: 'copy', group: group.id, from: member.photo.id, folder, name });
    }
  }
  return { steps };
}

/** The last path segment only: `../../x.jpg` or an absolute path can never leave the output folder. */
export function safeFileName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  // Control characters (newlines included) become '_': the name must be safe to show and to type.
  const cleaned = [...base].map((char) => (char.charCodeAt(0) < 0x20 || char === '\u007f' ? '_' : char)).join('').replace(/^\.+/, '_');
  return cleaned.length > 0 ? cleaned : 'photo';
}

function uniqueName(wanted: string, used: Set<string>): string {
  let name = wanted;
  const dot = wanted.lastIndexOf('.');
  const stem = dot > 0 ? wanted.slice(0, dot) : wanted;
  const extension = dot > 0 ? wanted.slice(dot) : '';
  for (let counter = 2; used.has(name.toLowerCase()); counter++) name = `${stem}-${counter}${extension}`;
  used.add(name.toLowerCase());
  return name;
}
