import type { Command } from 'commander';
import { type DiffSide, diffRoles } from '../../shared/iac/diff.js';
import type { IacRole } from '../../shared/iac/model.js';
import { looksLikeTerraformPlan, readTerraformPlanChange } from '../../shared/iac/terraform/plan.js';
import { policyBounds } from '../../shared/iac/unknowns.js';
import { EXIT } from '../exit.js';
import { diffJson, diffMarkdown, diffTable } from '../format/diff.js';
import { asInputError, expandInputs, readSources } from '../iac-input.js';
import { InputError, readBounded } from '../input.js';
import { configOption, formatOption, useColor } from '../options.js';
import { loadConfig } from './audit.js';

const FORMATS = ['table', 'json', 'markdown'] as const;

type Options = { format: (typeof FORMATS)[number]; config?: string };

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description(
      'compare, role by role, what two versions of trust policies admit (policy files, templates, cdk.out directories), or the before and after of a Terraform plan',
    )
    .argument('<old>', 'the reviewed version, or a Terraform plan (terraform show -json plan.out) alone')
    .argument('[new]', 'the proposed version')
    .addOption(formatOption(FORMATS))
    .addOption(configOption())
    .action(async (oldPath: string, newPath: string | undefined, options: Options) => {
      const { github } = loadConfig(options.config);
      const [before, after] =
        newPath === undefined ? planSides(oldPath) : [await sidesOf(oldPath), await sidesOf(newPath)];
      const diffs = diffRoles(before, after, { github });
      const render = {
        table: () => diffTable(diffs, { color: useColor() }),
        json: () => diffJson(diffs),
        markdown: () => diffMarkdown(diffs),
      }[options.format];
      process.stdout.write(render());
      process.exitCode = diffs.some((d) => d.admitsMore) ? EXIT.findings : EXIT.clean;
    });
}

/** The before and after of every role a Terraform plan changes or keeps. */
function planSides(path: string): [DiffSide[], DiffSide[]] {
  const text = readBounded(path);
  if (!looksLikeTerraformPlan(text))
    throw new InputError(
      path,
      'diff with one argument takes a Terraform plan (terraform show -json plan.out)',
    );
  try {
    const { before, after } = readTerraformPlanChange(path, text);
    return [before.map(roleSide), after.map(roleSide)];
  } catch (error) {
    throw asInputError(path, error);
  }
}

async function sidesOf(path: string): Promise<DiffSide[]> {
  const sides: DiffSide[] = [];
  for (const p of expandInputs([path]).paths) {
    for (const source of await readSources(p)) {
      if ('role' in source) sides.push(roleSide(source.role));
      else {
        const { name, file, parsed } = source.policy;
        sides.push({
          label: name || file,
          ...(name ? { roleName: name } : {}),
          bounds: { kind: 'known', parsed },
        });
      }
    }
  }
  return sides;
}

function roleSide(role: IacRole): DiffSide {
  const id = role.variant ? `${role.id} (${role.variant})` : role.id;
  return { label: id, id, ...(role.roleName ? { roleName: role.roleName } : {}), bounds: policyBounds(role) };
}
