import { type Severity, severityRank } from '../../shared/rules/rule.js';
import type { Settings } from './settings.js';

/** Alerts go out at the lowest channel minimum; each channel's subscription filters the rest. */
export function alertMinimum(settings: Settings): Severity {
  const { email, slack } = settings.config.alerts;
  return severityRank(email as Severity) < severityRank(slack as Severity)
    ? (email as Severity)
    : (slack as Severity);
}
