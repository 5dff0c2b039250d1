/**
 * The config file as a user writes it (YAML or JSON, keys as in DESIGN.md), and its validation.
 * Unknown keys are errors: a typo must not silently mean "use the default".
 */

import { z } from 'zod';
import { BEST_PHOTO_RULES } from '../grouping/best-photo.js';

export const userConfigSchema = z
  .object({
    immich: z
      .object({
        url: z.string().url().optional(),
        api_key: z.string().min(1).optional(),
        cache_dir: z.string().min(1).optional(),
        cache_size_mb: z.number().int().nonnegative().optional(),
        ca_cert: z.string().min(1).optional(),
        insecure: z.boolean().optional(),
        download_concurrency: z.number().int().min(1).max(64).optional(),
        duplicate_tag: z.string().min(1).optional(),
        album_prefix: z.string().min(1).optional(),
        // Other users' photos to compare with (never changed), and Immich's own ML duplicate groups.
        include_partners: z.boolean().optional(),
        include_shared_albums: z.boolean().optional(),
        with_immich_duplicates: z.boolean().optional(),
      })
      .strict()
      .optional(),
    threshold: z.number().int().min(0).max(32).optional(),
    similar_threshold: z.number().int().min(0).max(32).optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
    hash_db: z.string().min(1).optional(),
    best_photo_rules: z.array(z.enum(BEST_PHOTO_RULES)).nonempty().optional(),
  })
  .strict();

export type UserConfig = z.infer<typeof userConfigSchema>;

/** Every problem at once, each as `key.path: message`. */
export function validateUserConfig(value: unknown): { config: UserConfig } | { problems: string[] } {
  const parsed = userConfigSchema.safeParse(value ?? {});
  if (parsed.success) return { config: parsed.data };
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    if (issue.code === 'unrecognized_keys') return `${key === '(top level)' ? '' : `${key}.`}${issue.keys.join(', ')}: unknown key`;
    return `${key}: ${issue.message}`;
  });
  return { problems };
}
