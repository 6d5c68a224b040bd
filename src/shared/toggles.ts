import type { BehaviorProfilePatch } from './profile';
import type { Rule } from './rules';

// A toggle is a named choice a developer flips in one click. Each option is data: the rules
// that produce it in front of any upstream, and (where one exists) the reference server's
// profile fields that produce the same wire behaviour natively.

export interface ToggleOption {
  id: string;
  label: string;
  /** The option as a short phrase where the toggle is not named around it (status bar, timeline rows): "notifications → 204". */
  name?: string;
  /** Rules that produce this option in front of any upstream (none for the pass-through option). */
  rules: Rule[];
  /** The reference-server profile fields for the same behaviour, when the upstream is built in. */
  profile?: BehaviorProfilePatch;
  /** Set by the control API's `toggles.list`: why the option cannot act in front of the current upstream (toggleUnavailable). */
  unavailable?: string;
}

export interface Toggle {
  id: string;
  title: string;
  /** The handshake phase the toggle belongs to, for grouping in the UI. */
  group: 'discovery' | 'registration' | 'authorization' | 'token' | 'transport' | 'session' | 'streaming' | 'faults' | 'requirements';
  /** What real clients do with this, and where that was observed. */
  explanation: string;
  /** Public https URLs behind the explanation: spec sections, issue reports, client source. */
  sources?: string[];
  /** The first option is the default: the behaviour without the toggle. */
  options: ToggleOption[];
  /**
   * For a toggle that breaks a requirement of the spec on purpose (group 'requirements', built
   * from shared/breaks.ts): who notices the break, and what a well-behaved client does with it.
   * The explanation states the requirement.
   */
  breaks?: { noticedBy: string; clientShould: string };
}

/** Which option of each toggle is selected. */
export type ToggleSelection = Record<string, string>;

/** How the status bar and timeline rows name a toggle's option: its short name, else "title: label". */
export function toggleOptionName(toggle: Pick<Toggle, 'title'>, option: Pick<ToggleOption, 'name' | 'label'>): string {
  return option.name ?? `${toggle.title}: ${option.label}`;
}

/**
 * Why an option cannot act where the front door stands, or undefined when it can: an option
 * made only of profile fields (no rules) changes the built-in reference server itself, so in
 * front of another server, and on an authorization server it intercepts (--intercept-as), it
 * has nothing to act with. The Toggles screen disables it with this reason; setToggle refuses it.
 */
export function toggleUnavailable(option: Pick<ToggleOption, 'id' | 'rules'>, upstream: { builtIn: boolean; interceptAs?: boolean }): string | undefined {
  if (upstream.builtIn || option.id === 'off' || option.rules.length > 0) return undefined;
  return upstream.interceptAs
    ? 'changes the built-in reference server only: no rule can do it in front of another server, nor on the intercepted authorization server’s answers'
    : 'changes the built-in reference server only: no rule can do it in front of another server';
}
