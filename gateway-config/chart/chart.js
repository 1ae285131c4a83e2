// Almanac's chart page (served inlined by gateway-config/chart.mjs at GET /chart, after uPlot).
// Plain JS, no build step. Every read goes to this origin's /graphql; the page's state lives in its URL
// (?series=&from=&to=&transform=&frequency=&aggregation=&asOf=&vintages=) so a chart can be shared, and the
// API key in sessionStorage (never in the URL). What the page shows, for tests: body[data-state] is
// loading | drawn | empty | error | idle, and window.almanacChart holds the uPlot instance and the view drawn.
(() => {
  'use strict';

  const GRAPHQL = '/graphql';
  const KEY_STORAGE = 'almanac.apiKey';
  const SEARCH_DEBOUNCE_MS = 250;
  const REVISIONS_DEBOUNCE_MS = 150;
  const SEARCH_RESULTS = 10;
  const DEFAULT_VINTAGES = 5;
  const MAX_VINTAGES = 10;
  const MAIN_COLOR = '#1f5fbf';
  const FIRST_RELEASE_COLOR = '#d9822b';
  // Earlier vintages: opaque tints of the main colour, the oldest lightest.
  const VINTAGE_LIGHTEST = [205, 216, 236];
  const VINTAGE_DARKEST = [139, 165, 214];
  const URL_FIELDS = ['from', 'to', 'transform', 'frequency', 'aggregation', 'asOf', 'vintages'];

  const el = (id) => document.getElementById(id);
  const controls = {
    search: el('search'), results: el('results'), from: el('from'), to: el('to'), transform: el('transform'),
    frequency: el('frequency'), aggregation: el('aggregation'), asOf: el('asOf'), vintages: el('vintages'),
    apiKey: el('apiKey'),
  };
  const status = el('status');
  const chartBox = el('chart');
  const revisionBox = el('revision');

  const state = { series: null, frequencies: [], wanted: null };
  let plot = null;
  let view = null;
  let drawing = null;

  /** An error the API answered (GraphQL `extensions.code`) or the page made for a failed request. */
  class ApiError extends Error {
    constructor(code, message, argument) {
      super(message);
      this.code = code;
      this.argument = argument;
    }
  }

  /** POST a GraphQL operation to /graphql with the stored key; the `data`, or an ApiError with the first error. */
  async function graphql(query, variables, signal) {
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    const key = sessionStorage.getItem(KEY_STORAGE);
    if (key) headers.authorization = `Bearer ${key}`;
    let response;
    try {
      response = await fetch(GRAPHQL, { method: 'POST', headers, body: JSON.stringify({ query, variables }), signal });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiError('UNAVAILABLE', `The gateway did not answer: ${error.message}`);
    }
    let body;
    try {
      body = await response.json();
    } catch {
      throw new ApiError(`HTTP ${response.status}`, `The gateway answered HTTP ${response.status} without a GraphQL result`);
    }
    const first = body?.errors?.[0];
    if (first) {
      const more = body.errors.length > 1 ? ` (and ${body.errors.length - 1} more)` : '';
      throw new ApiError(first.extensions?.code ?? `HTTP ${response.status}`, first.message + more, first.extensions?.argument);
    }
    if (!response.ok || !body?.data) {
      throw new ApiError(`HTTP ${response.status}`, `The gateway answered HTTP ${response.status} without data`);
    }
    return body.data;
  }

  // ---- status line -------------------------------------------------------------------------------------

  function showError(error) {
    status.className = '';
    status.replaceChildren();
    const code = document.createElement('code');
    code.textContent = error.code ?? 'ERROR';
    status.append(code, `: ${error.message}`);
    if (error.argument) status.append(` (argument: ${error.argument})`);
    status.hidden = false;
  }

  function showInfo(text) {
    status.className = 'info';
    status.textContent = text;
    status.hidden = false;
  }

  function clearStatus() {
    status.hidden = true;
    status.replaceChildren();
  }

  // ---- formatting ----------------------------------------------------------------------------------------

  const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 6 });
  const fmt = (value) => (value == null ? '—' : number.format(value));
  const signed = (delta) => (delta > 0 ? '+' : delta < 0 ? '−' : '±') + number.format(Math.abs(delta));
  const isoOf = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);
  const secondsOf = (iso) => Date.parse(`${iso}T00:00:00Z`) / 1000;

  /** FRED's code for a Transform from its schema description ("... (FRED `pch`)."), else the name. */
  function transformLabel(value) {
    const fred = /FRED `(\w+)`/.exec(value.description ?? '')?.[1];
    const words = value.name.toLowerCase().replaceAll('_', ' ');
    return fred ? `${fred}: ${words}` : words;
  }

  // ---- URL state -----------------------------------------------------------------------------------------

  // The choices of the schema's enums arrive after the URL is read: their values wait in state.wanted.
  const ENUM_FIELDS = ['transform', 'frequency', 'aggregation'];

  function readUrl() {
    const params = new URLSearchParams(location.search);
    state.series = params.get('series') || null;
    state.wanted = {};
    for (const name of URL_FIELDS) {
      const value = params.get(name) ?? '';
      if (ENUM_FIELDS.includes(name)) state.wanted[name] = value;
      else if (value) controls[name].value = value;
    }
  }

  function writeUrl() {
    const params = new URLSearchParams();
    if (state.series) params.set('series', state.series);
    for (const name of URL_FIELDS) {
      const value = controls[name].value;
      if (value && !(name === 'vintages' && Number(value) === DEFAULT_VINTAGES)) params.set(name, value);
    }
    const query = params.toString();
    history.replaceState(null, '', query ? `?${query}` : location.pathname);
  }

  // ---- the schema's enums ------------------------------------------------------------------------------

  /** Fills the transform, frequency and aggregation choices from the schema's enums (introspection). */
  async function loadEnums() {
    const data = await graphql(`query ChartEnums {
      transform: __type(name: "Transform") { enumValues { name description } }
      frequency: __type(name: "Frequency") { enumValues { name } }
      aggregation: __type(name: "Aggregation") { enumValues { name description } } }`);
    const wanted = state.wanted ?? Object.fromEntries(ENUM_FIELDS.map((name) => [name, controls[name].value]));
    state.wanted = null;
    fill(controls.transform, [['', 'as published (lin)'], ...data.transform.enumValues
      .filter((value) => value.name !== 'LEVEL')
      .map((value) => [value.name, transformLabel(value)])]);
    state.frequencies = data.frequency.enumValues.map((value) => value.name);
    fill(controls.frequency, [['', 'as published'], ...state.frequencies.map((name) => [name, name.toLowerCase()])]);
    fill(controls.aggregation, [['', 'default (average)'], ...data.aggregation.enumValues
      .map((value) => [value.name, value.name.toLowerCase().replaceAll('_', ' ')])]);
    for (const [name, value] of Object.entries(wanted)) {
      // LEVEL is the default (as published); a shared URL may still name it.
      const choice = name === 'transform' && value === 'LEVEL' ? '' : value;
      controls[name].value = choice;
      if (controls[name].value !== choice) {
        // An unknown value (an old link): say so rather than silently draw something else.
        throw new ApiError('BAD_USER_INPUT', `'${value}' is not a ${name} the schema knows; pick one above`, name);
      }
    }
  }

  function fill(select, options) {
    select.replaceChildren(...options.map(([value, text]) => new Option(text, value)));
  }

  /** Frequencies higher than the series' own cannot be aggregated to: disabled (the enum lists high to low). */
  function limitFrequencies(own) {
    const ownIndex = state.frequencies.indexOf(own);
    for (const option of controls.frequency.options) {
      option.disabled = option.value !== '' && state.frequencies.indexOf(option.value) < ownIndex;
    }
    controls.aggregation.disabled = !controls.frequency.value;
  }

  // ---- search as you type --------------------------------------------------------------------------------

  let searchTimer = null;
  let searchAbort = null;
  let activeResult = -1;

  function onSearchInput() {
    clearTimeout(searchTimer);
    const text = controls.search.value.trim();
    if (!text) {
      hideResults();
      return;
    }
    searchTimer = setTimeout(() => search(text), SEARCH_DEBOUNCE_MS);
  }

  async function search(text) {
    searchAbort?.abort();
    const abort = new AbortController();
    searchAbort = abort;
    try {
      const data = await graphql(`query ChartSearch($text: String!, $first: Int!) {
        searchSeries(query: $text, first: $first) { totalCount nodes { id title externalId frequency } } }`,
      { text, first: SEARCH_RESULTS }, abort.signal);
      if (abort.signal.aborted) return;
      showResults(data.searchSeries);
    } catch (error) {
      if (error.name === 'AbortError') return;
      hideResults();
      showError(error);
    }
  }

  function showResults(connection) {
    const items = connection.nodes.map((series) => {
      const item = document.createElement('li');
      item.setAttribute('role', 'option');
      item.dataset.id = series.id;
      item.dataset.title = series.title;
      const small = document.createElement('small');
      small.textContent = `${series.externalId} · ${series.frequency.toLowerCase()} · id ${series.id}`;
      item.append(series.title, small);
      item.addEventListener('mousedown', (event) => {
        event.preventDefault();
        pick(item);
      });
      return item;
    });
    if (items.length === 0) {
      const none = document.createElement('li');
      none.textContent = 'No series matches';
      none.setAttribute('aria-disabled', 'true');
      items.push(none);
    } else if (connection.totalCount > items.length) {
      const more = document.createElement('li');
      more.setAttribute('aria-disabled', 'true');
      more.textContent = `${connection.totalCount - items.length} more: type more of the title`;
      items.push(more);
    }
    controls.results.replaceChildren(...items);
    controls.results.hidden = false;
    controls.search.setAttribute('aria-expanded', 'true');
    activeResult = -1;
  }

  function hideResults() {
    controls.results.hidden = true;
    controls.search.setAttribute('aria-expanded', 'false');
    activeResult = -1;
  }

  function onSearchKey(event) {
    const options = [...controls.results.querySelectorAll('li[role="option"]')];
    if (controls.results.hidden || options.length === 0) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      activeResult = (activeResult + (event.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
      options.forEach((option, i) => option.setAttribute('aria-selected', String(i === activeResult)));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      pick(options[Math.max(0, activeResult)]);
    } else if (event.key === 'Escape') {
      hideResults();
    }
  }

  function pick(item) {
    state.series = item.dataset.id;
    controls.search.value = item.dataset.title;
    hideResults();
    update();
  }

  // ---- the chart -----------------------------------------------------------------------------------------

  function vintageColor(i, n) {
    const t = n <= 1 ? 1 : i / (n - 1);
    const channel = (k) => Math.round(VINTAGE_LIGHTEST[k] + t * (VINTAGE_DARKEST[k] - VINTAGE_LIGHTEST[k]));
    return `rgb(${channel(0)}, ${channel(1)}, ${channel(2)})`;
  }

  function vintageCount() {
    const n = Number(controls.vintages.value);
    return Number.isInteger(n) ? Math.min(MAX_VINTAGES, Math.max(0, n)) : DEFAULT_VINTAGES;
  }

  function setState(name) {
    document.body.dataset.state = name;
  }

  function destroyPlot() {
    el('title').textContent = '';
    el('subtitle').textContent = '';
    plot?.destroy();
    plot = null;
    view = null;
    window.almanacChart = { plot: null, view: null };
    revisionBox.textContent = '';
  }

  /** Writes the controls' state into the URL, then reads the series and its view and draws it. */
  function update() {
    writeUrl();
    draw().catch((error) => {
      if (error.name === 'AbortError') return;
      destroyPlot();
      setState('error');
      showError(error);
    });
  }

  const SERIES_QUERY = `query ChartSeries($id: ID!, $asOf: Date) {
    series(id: $id) { id title units frequency seasonalAdjustment observationStart observationEnd vintages(to: $asOf) } }`;

  // One view, three ways: as selected, each date's first release, and the earlier vintages (ALFRED's matrix),
  // all through the same aggregation and transform.
  const DATA_QUERY = `query ChartData($id: ID!, $from: Date, $to: Date, $asOf: Date, $transform: Transform,
      $frequency: Frequency, $aggregation: Aggregation, $vintageDates: [Date!]!, $panel: Boolean!) {
    series(id: $id) {
      data(from: $from, to: $to, asOf: $asOf, transform: $transform, frequency: $frequency, aggregation: $aggregation) {
        dates values }
      firstReleases: data(firstRelease: true, from: $from, to: $to, asOf: $asOf, transform: $transform,
        frequency: $frequency, aggregation: $aggregation) { dates values }
      vintagePanel(vintageDates: $vintageDates, from: $from, to: $to, transform: $transform, frequency: $frequency,
        aggregation: $aggregation) @include(if: $panel) { dates vintageDates values } } }`;

  async function draw() {
    drawing?.abort();
    const abort = new AbortController();
    drawing = abort;
    clearStatus();
    if (!state.series) {
      destroyPlot();
      setState('idle');
      showInfo('Pick a series: type part of its title above.');
      return;
    }
    setState('loading');
    const asOf = controls.asOf.value || null;
    const meta = (await graphql(SERIES_QUERY, { id: state.series, asOf }, abort.signal)).series;
    if (abort.signal.aborted) return;
    if (!meta) throw new ApiError('NOT_FOUND', `No series with id ${state.series}`, 'series');
    if (document.activeElement !== controls.search) controls.search.value = meta.title;
    limitFrequencies(meta.frequency);
    const selectedVintage = meta.vintages.at(-1) ?? null;
    const earlier = meta.vintages.slice(0, -1).slice(-vintageCount());
    const frequency = controls.frequency.value || null;
    const variables = {
      id: state.series, from: controls.from.value || null, to: controls.to.value || null, asOf,
      transform: controls.transform.value || null, frequency,
      aggregation: frequency ? controls.aggregation.value || null : null,
      vintageDates: earlier, panel: earlier.length > 0,
    };
    const series = (await graphql(DATA_QUERY, variables, abort.signal)).series;
    if (abort.signal.aborted) return;
    if (!series) throw new ApiError('NOT_FOUND', `No series with id ${state.series}`, 'series');
    // Drawn in this order, each over the ones before: first releases, the earlier vintages (oldest first),
    // then the selected view on top.
    const lines = [
      { kind: 'first', label: 'first release', dates: series.firstReleases.dates, values: series.firstReleases.values,
        stroke: FIRST_RELEASE_COLOR, width: 1.25, dash: [6, 4] },
      ...(series.vintagePanel?.vintageDates ?? []).map((vintage, i) => ({
        kind: 'vintage', label: `as of ${vintage}`, dates: series.vintagePanel.dates,
        values: series.vintagePanel.values[i], stroke: vintageColor(i, earlier.length), width: 1.5,
      })),
      { kind: 'main', label: asOf ? `as of ${asOf}` : 'latest', dates: series.data.dates, values: series.data.values,
        stroke: MAIN_COLOR, width: 2.25 },
    ];
    destroyPlot();
    el('title').textContent = meta.title;
    el('subtitle').textContent = subtitle(meta, selectedVintage, earlier, variables);
    if (series.data.dates.length === 0) {
      setState('empty');
      showInfo(`No observations in this view${asOf ? ` as of ${asOf}` : ''}: widen the range or pick a later as-of date.`);
      return;
    }
    render(lines, { selectedVintage, earlier, variables });
    setState('drawn');
  }

  function subtitle(meta, selectedVintage, earlier, variables) {
    const parts = [meta.units, meta.frequency.toLowerCase(), meta.seasonalAdjustment].filter(Boolean);
    const viewPart = variables.asOf ? `as of ${variables.asOf} (vintage ${selectedVintage ?? 'none yet'})`
      : `latest (vintage ${selectedVintage ?? 'none'})`;
    const vintagesPart = earlier.length ? `, with the ${earlier.length} earlier vintages ${earlier[0]} … ${earlier.at(-1)}` : '';
    return `${parts.join(' · ')} — ${viewPart}${vintagesPart}; hover for revisions, drag to zoom, double-click to reset.`;
  }

  /** Draws `lines` on one date axis (the union of their dates; a line without a date has a gap there). */
  function render(lines, context) {
    const dates = [...new Set(lines.flatMap((line) => line.dates))].sort();
    const index = new Map(dates.map((date, i) => [date, i]));
    const columns = lines.map((line) => {
      const column = new Array(dates.length).fill(null);
      line.dates.forEach((date, i) => {
        column[index.get(date)] = line.values[i];
      });
      return column;
    });
    const data = [dates.map(secondsOf), ...columns];
    const options = {
      width: Math.max(320, chartBox.clientWidth),
      height: 420,
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      scales: { x: { time: true } },
      series: [
        { label: 'date', value: (u, seconds) => (seconds == null ? '—' : isoOf(seconds)) },
        ...lines.map((line) => ({
          label: line.label, stroke: line.stroke, width: line.width, dash: line.dash, spanGaps: true,
          points: { show: false }, value: (u, value) => fmt(value),
        })),
      ],
      axes: [{}, { size: 70 }],
      hooks: { setCursor: [(u) => describe(u.cursor.idx)] },
    };
    plot = new uPlot(options, data, chartBox);
    const of = (kind) => columns.filter((column, i) => lines[i].kind === kind);
    view = {
      seriesId: context.variables.id, dates, selectedVintage: context.selectedVintage, vintages: context.earlier,
      main: of('main')[0], firstRelease: of('first')[0], panel: of('vintage'), variables: context.variables,
      points: lines.find((line) => line.kind === 'main').dates.length,
    };
    window.almanacChart = { plot, view };
    describe(null);
  }

  // ---- the hovered point's revision -----------------------------------------------------------------------

  let revisionsTimer = null;
  let revisionsAbort = null;

  /** The revision line for the point at `idx`: its value, first release and previous vintage, then its history. */
  function describe(idx) {
    clearTimeout(revisionsTimer);
    revisionsAbort?.abort();
    if (!view) return;
    if (idx == null) {
      revisionBox.textContent = 'Hover a date to see its value, its first release and what the last vintages revised.';
      return;
    }
    const date = view.dates[idx];
    const value = view.main[idx];
    const parts = [`${date}: ${fmt(value)}`];
    const first = view.firstRelease[idx];
    if (value != null && first != null) {
      parts.push(value === first ? 'unrevised since its first release' : `first release ${fmt(first)}, revised ${signed(value - first)}`);
    }
    const previousIndex = view.panel.length - 1;
    if (previousIndex >= 0) {
      const previous = view.panel[previousIndex][idx];
      const vintage = view.vintages[previousIndex];
      parts.push(previous == null ? `not in the vintage of ${vintage}`
        : value === previous ? `unchanged from the vintage of ${vintage}`
          : `vintage of ${vintage}: ${fmt(previous)}, revised ${signed(value - previous)}`);
    }
    revisionBox.replaceChildren(parts.join(' · '));
    // The published revisions themselves are stored values: shown for views that are stored values too.
    const v = view.variables;
    if (!v.transform && !v.frequency) {
      revisionsTimer = setTimeout(() => showHistory(date, v), REVISIONS_DEBOUNCE_MS);
    }
  }

  async function showHistory(date, variables) {
    const abort = new AbortController();
    revisionsAbort = abort;
    try {
      const data = await graphql(`query ChartRevisions($id: ID!, $date: Date!) {
        series(id: $id) { revisions(date: $date) { value revisionDate } } }`, { id: variables.id, date }, abort.signal);
      if (abort.signal.aborted || !data.series) return;
      const published = data.series.revisions.filter((r) => !variables.asOf || r.revisionDate <= variables.asOf);
      if (published.length === 0) return;
      const later = data.series.revisions.length - published.length;
      const line = document.createElement('div');
      line.className = 'history';
      line.textContent = `Published ${published.length} time${published.length === 1 ? '' : 's'}: `
        + published.map((r) => `${r.value ?? 'missing'} on ${r.revisionDate}`).join(' → ')
        + (later ? ` (${later} later, after the as-of date)` : '');
      revisionBox.append(line);
    } catch (error) {
      if (error.name !== 'AbortError') revisionBox.append(` (revisions: ${error.code}: ${error.message})`);
    }
  }

  // ---- wiring ----------------------------------------------------------------------------------------------

  function useKey() {
    const key = controls.apiKey.value.trim().replace(/^Bearer\s+/i, '');
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    else sessionStorage.removeItem(KEY_STORAGE);
    start();
  }

  async function start() {
    try {
      await loadEnums();
    } catch (error) {
      setState('error');
      showError(error);
      return;
    }
    update();
  }

  controls.apiKey.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
  controls.apiKey.addEventListener('change', useKey);
  controls.search.addEventListener('input', onSearchInput);
  controls.search.addEventListener('keydown', onSearchKey);
  controls.search.addEventListener('blur', hideResults);
  for (const name of URL_FIELDS) controls[name].addEventListener('change', update);
  el('controls').addEventListener('submit', (event) => event.preventDefault());
  window.addEventListener('resize', () => plot?.setSize({ width: Math.max(320, chartBox.clientWidth), height: 420 }));
  readUrl();
  start();
})();
