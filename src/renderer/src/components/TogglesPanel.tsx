import { useEffect, useMemo, useState } from 'react';
import { toggleUnavailable, type Toggle } from '../../../shared/toggles';
import { useApp } from '../state/store';
import { ActiveToggle, activeToggles } from './StatusChips';
import './TogglesPanel.css';

const GROUPS: Array<{ id: Toggle['group']; title: string }> = [
  { id: 'discovery', title: 'Discovery' },
  { id: 'registration', title: 'Registration' },
  { id: 'authorization', title: 'Authorization' },
  { id: 'token', title: 'Token' },
  { id: 'transport', title: 'Transport' },
  { id: 'session', title: 'Session' },
  { id: 'streaming', title: 'Streaming' },
  { id: 'faults', title: 'Faults' },
  { id: 'requirements', title: 'Break a requirement (misbehaving server)' },
];

const RULE_EXAMPLES = {
  breakpoint: { id: 'pause-token', description: 'Pause token responses to look at them', enabled: true, match: [{ type: 'phase', phases: ['token'] }], steps: [{ type: 'breakpoint', stage: 'response', timeoutMs: 30000 }] },
  status: { id: 'tools-call-500', description: 'tools/call fails with 500', enabled: true, match: [{ type: 'jsonrpc-method', methods: ['tools/call'] }], steps: [{ type: 'reply', status: 500, body: '{"error":"boom"}' }] },
};

function RulesEditor() {
  const status = useApp((s) => s.status);
  const run = useApp((s) => s.run);
  const notify = useApp((s) => s.notify);
  const [text, setText] = useState(() => JSON.stringify(status?.rules ?? [], null, 2));
  const [problems, setProblems] = useState<string[]>([]);
  const [dirty, setDirty] = useState(false);
  useEffect(() => {
    if (!dirty) setText(JSON.stringify(status?.rules ?? [], null, 2));
  }, [status?.rules, dirty]);

  // Checked as typed: JSON first, then the core's own rule validation.
  useEffect(() => {
    let cancelled = false;
    const timer = setTimeout(async () => {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        if (!cancelled) setProblems([`Not valid JSON: ${(err as Error).message}`]);
        return;
      }
      const check = await run('rules.check', { rules: value });
      if (!cancelled && check) setProblems(check.problems);
    }, 300);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [text, run]);

  const insert = (example: object) => {
    try {
      const current = JSON.parse(text) as unknown[];
      setText(JSON.stringify([...(Array.isArray(current) ? current : []), example], null, 2));
      setDirty(true);
    } catch {
      notify('error', 'Fix the JSON first, then insert the example');
    }
  };

  return (
    <section className="rules-editor">
      <h2>Custom rules</h2>
      <p className="hint">
        A JSON array of rules: every matcher must hold, then the steps run in order (see Rules in docs/front-door.md). They apply to the next exchange. Insert:{' '}
        <button className="link" onClick={() => insert(RULE_EXAMPLES.breakpoint)}>
          a breakpoint on token responses
        </button>{' '}
        ·{' '}
        <button className="link" onClick={() => insert(RULE_EXAMPLES.status)}>
          a 500 for tools/call
        </button>
      </p>
      <textarea
        className={`code ${problems.length ? 'invalid' : ''}`}
        rows={14}
        spellCheck={false}
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setDirty(true);
        }}
        aria-label="Rules (JSON)"
        aria-invalid={problems.length > 0}
      />
      {problems.length > 0 && (
        <ul className="field-error" role="alert" data-testid="rule-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button
          className="primary"
          disabled={problems.length > 0 || !dirty}
          onClick={async () => {
            const next = await run('rules.set', { rules: JSON.parse(text) });
            if (next) {
              setDirty(false);
              notify('info', `${next.rules.length} rule(s) applied`);
            }
          }}
        >
          Apply rules
        </button>
        <button disabled={!dirty} onClick={() => setDirty(false)}>
          Revert
        </button>
      </div>
    </section>
  );
}

/** For a toggle that breaks a requirement: who notices, what a good client does, the spec behind it. */
function BreakDetails({ toggle }: { toggle: Toggle }) {
  return (
    <dl className="hint break-details" data-testid={`break-details-${toggle.id}`}>
      <dt>Who notices</dt>
      <dd>{toggle.breaks!.noticedBy}</dd>
      <dt>A well-behaved client</dt>
      <dd>{toggle.breaks!.clientShould}</dd>
      {toggle.sources?.length ? (
        <>
          <dt>Spec</dt>
          <dd>
            {toggle.sources.map((url, i) => (
              <span key={url}>
                {i > 0 && ' · '}
                <a href={url} target="_blank" rel="noreferrer">
                  {url.replace(/^https:\/\//, '')}
                </a>
              </span>
            ))}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/** Whether a toggle mentions every word of the search in its title, description or options. */
function toggleMatches(toggle: Toggle, words: string[]): boolean {
  if (words.length === 0) return true;
  const text = [toggle.id, toggle.title, toggle.explanation, toggle.breaks?.noticedBy ?? '', ...toggle.options.flatMap((o) => [o.label, o.name ?? ''])].join(' ').toLowerCase();
  return words.every((word) => text.includes(word));
}

/** What changes the wire right now: the toggles not at their default, each off in one click, and the custom rules. */
function ActiveSection() {
  const status = useApp((s) => s.status);
  const catalogue = useApp((s) => s.toggles);
  const active = activeToggles(status, catalogue);
  const rules = status?.rules.filter((rule) => rule.enabled) ?? [];
  return (
    <section className="active-section" data-testid="active-toggles" aria-label="Active toggles and rules">
      <h2>Active</h2>
      {active.length === 0 && rules.length === 0 ? (
        <p className="hint">None: the wire shows the server as it is.</p>
      ) : (
        <ul className="active-list">
          {active.map((entry) => (
            <li key={entry.toggle.id}>
              <ActiveToggle {...entry} /> <span className="hint">{entry.toggle.title}</span>
            </li>
          ))}
          {rules.map((rule) => (
            <li key={rule.id}>
              <span className="active-toggle rule">{rule.id}</span> <span className="hint">custom rule{rule.description ? `: ${rule.description}` : ''} (edit below)</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Presets of the reference server, the toggle catalogue grouped by phase, and the rules editor. */
export function TogglesPanel() {
  const toggles = useApp((s) => s.toggles);
  const presets = useApp((s) => s.presets);
  const status = useApp((s) => s.status);
  const run = useApp((s) => s.run);
  const [search, setSearch] = useState('');
  const words = useMemo(() => search.toLowerCase().split(/\s+/).filter(Boolean), [search]);
  const grouped = useMemo(
    () => GROUPS.map((g) => ({ ...g, toggles: toggles.filter((t) => t.group === g.id && toggleMatches(t, words)) })).filter((g) => g.toggles.length),
    [toggles, words],
  );
  const builtIn = status?.upstream.builtIn ?? true;
  const where = { builtIn, interceptAs: status?.upstream.interceptAs === true };
  return (
    <div className="toggles-panel">
      <ActiveSection />
      <section>
        <h2>Toggles</h2>
        <p className="hint">
          Each changes the wire behaviour from the next exchange on.{' '}
          {builtIn ? 'With the built-in server, a toggle with a profile field changes the server itself; the others act as rules in the inspector.' : 'In front of your server, toggles act as rules in the inspector: the timeline shows the upstream’s status and the changed one.'}
        </p>
        {where.interceptAs && (
          <p className="hint" data-testid="toggles-intercept-note">
            The front door fronts your server’s authorization server (--intercept-as): the discovery, registration and authorization toggles act on its answers as on the built-in one’s. Options only the built-in server can play (the issuer’s trailing slash, an access token without kid) are disabled: the real authorization server mints those.
          </p>
        )}
        <input
          type="search"
          className="toggle-search"
          placeholder="Search toggles: name, description or option (204, session, Claude.ai…)"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          aria-label="Search toggles"
        />
        {grouped.length === 0 && toggles.length > 0 && (
          <p className="hint" data-testid="toggles-search-empty">
            No toggle matches “{search}”.
          </p>
        )}
        <div className="toggle-groups">
          {grouped.map((group) => (
            <fieldset key={group.id} className="toggle-group">
              <legend>{group.title}</legend>
              {group.toggles.map((toggle) => {
                const selected = status?.toggles[toggle.id] ?? toggle.options[0]?.id;
                return (
                  <div key={toggle.id} className="toggle" data-testid={`toggle-${toggle.id}`}>
                    <div className="toggle-head">
                      <strong>{toggle.title}</strong>
                      <div className="options" role="radiogroup" aria-label={toggle.title}>
                        {toggle.options.map((option) => {
                          const unavailable = toggleUnavailable(option, where);
                          return (
                            <label key={option.id} className={selected === option.id ? 'chosen' : unavailable ? 'unavailable' : ''} title={unavailable ? `${option.label}: ${unavailable}` : undefined}>
                              <input type="radio" name={toggle.id} value={option.id} checked={selected === option.id} disabled={!!unavailable} onChange={() => void run('toggles.set', { toggleId: toggle.id, optionId: option.id })} />
                              {option.label}
                            </label>
                          );
                        })}
                      </div>
                    </div>
                    <p className="hint">{toggle.explanation}</p>
                    {toggle.breaks && <BreakDetails toggle={toggle} />}
                  </div>
                );
              })}
            </fieldset>
          ))}
        </div>
      </section>
      <section>
        <h2>Reference server preset</h2>
        {!builtIn && <p className="hint">Presets change the built-in server; the upstream now is your own server, so they take effect when you switch back.</p>}
        <ul className="presets">
          {presets.map((preset) => (
            <li key={preset.id}>
              <label>
                <input type="radio" name="preset" checked={status?.presetId === preset.id} onChange={() => void run('preset.apply', { presetId: preset.id })} />
                <strong>{preset.title}</strong>
              </label>
              <p className="hint">{preset.description}</p>
            </li>
          ))}
        </ul>
      </section>
      <RulesEditor />
    </div>
  );
}
