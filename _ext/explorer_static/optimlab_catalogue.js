/* The package's catalogue applied in JavaScript. window.optimlab.catalogue is
   optimlab.optimizers.catalogue(), and window.optimlab.settings the explorer's own settings
   (function, x0, steps, ...), both written at build time by _ext/explorer.py: every parameter's
   default, its declared check, the checks between parameters and their messages. This file
   applies them, so that a value is refused here with the very message Python gives; it knows
   no optimizer, default, range or message of its own. */
(function (root) {
  "use strict";
  const ol = root.optimlab = root.optimlab || {};
  const has = (table, key) => typeof key === "string" && Object.prototype.hasOwnProperty.call(table, key);
  const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

  // The value received, as the catalogue's messages show it: JSON (Python shows its repr).
  function show(value) {
    if (typeof value === "number" && !isFinite(value)) return String(value);
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text;
  }
  function fill(message, value) { return message.split("{value}").join(show(value)); }
  function refuse(message, value) { throw new Error(fill(message, value)); }

  function inside(c, v) {
    return isFinite(v) && (c.low === null || (c.low_inclusive === false ? v > c.low : v >= c.low)) &&
      (c.high === null || c.high === undefined || (c.high_inclusive ? v <= c.high : v < c.high));
  }

  // One declared check (its "kind" and fields, as _checks.Check.describe writes it): the value
  // in normal form (null of an optional is the number it stands for), or an Error.
  function check(c, value) {
    const m = c.messages;
    switch (c.kind) {
      case "number":
        if (c.schedule && isObject(value)) return schedule(value);
        if (typeof value !== "number") refuse(m.type, value);
        if (!inside(c, value)) refuse(m.range, value);
        return value;
      case "integer":
        if (typeof value !== "number" || !Number.isInteger(value) || !inside(c, value)) refuse(m.range, value);
        return value;
      case "flag":
        if (typeof value !== "boolean") refuse(m.type, value);
        return value;
      case "tuple":
        if (!Array.isArray(value) || value.length !== c.length) refuse(m.type, value);
        return c.entries.map((entry, i) => check(entry, value[i]));
      case "optional":
        return value === null ? c.none_means : check(c.check, value);
      case "choice":
        if (c.choices.indexOf(value) < 0) refuse(m.type, value);
        return value;
    }
    throw new Error("the catalogue has a check of unknown kind " + show(c.kind));
  }

  const COMPARE = {
    "==": (a, b) => a === b, "!=": (a, b) => a !== b, "<": (a, b) => a < b,
    "<=": (a, b) => a <= b, ">": (a, b) => a > b, ">=": (a, b) => a >= b,
  };
  function holds(comparisons, values) {
    return comparisons.every((c) => COMPARE[c[1]](values[c[0]], isObject(c[2]) ? values[c[2].param] : c[2]));
  }
  function parameters(entry) { return entry.hyperparameters || entry.parameters; }

  // The checked values of a declared owner (an optimizer or a schedule) from JSON options, in
  // the order Python checks them: unknown names, missing ones, each value, the constraints.
  function declared(entry, given) {
    const list = parameters(entry), out = {};
    Object.keys(given).forEach((name) => {
      if (!list.some((p) => p.name === name)) refuse(entry.messages.unknown, name);
    });
    list.forEach((p) => {
      if (p.required && !has(given, p.name)) throw new Error(p.messages.missing);
    });
    list.forEach((p) => { out[p.name] = check(p.check, has(given, p.name) ? given[p.name] : p.default); });
    entry.constraints.forEach((c) => {
      if (holds(c["if"], out) && !holds(c.require, out)) {
        throw new Error(c.message.replace(/\{(\w+)\}/g, (_, name) => show(out[name])));
      }
    });
    return out;
  }
  function schedule(spec) {
    const table = ol.catalogue.schedules, given = Object.assign({}, spec);
    delete given.schedule;
    if (!has(table, spec.schedule)) refuse(ol.catalogue.messages.unknown_schedule, spec.schedule);
    return Object.assign(declared(table[spec.schedule], given), { schedule: spec.schedule });
  }
  // An optimizer's checked options, every default filled in: optimizers.from_options in JS.
  function options(name, given) {
    const table = ol.catalogue.optimizers;
    if (!has(table, name)) refuse(ol.catalogue.messages.unknown_optimizer, name);
    return declared(table[name], isObject(given) ? given : {});
  }
  // One of the explorer's own settings (function, x0, steps, ...), checked as explorer.py does.
  function setting(name, value) {
    if (!has(ol.settings.checks, name)) refuse(ol.settings.messages.unknown, name);
    return check(ol.settings.checks[name], value);
  }
  // The declared parameter `name` of an optimizer (or of a schedule: kind "schedules").
  function parameter(owner, name, kind) {
    return parameters(ol.catalogue[kind || "optimizers"][owner]).filter((p) => p.name === name)[0];
  }

  // The data file writes each distinct check once (_ext/explorer.py's packed): a parameter's
  // check is an index into check_table, and its messages say {name} for the parameter's name.
  function unpack(c, name) {
    c = typeof c === "number" ? ol.check_table[c] : c;
    const out = Object.assign({}, c, { messages: {} });
    Object.keys(c.messages).forEach((k) => { out.messages[k] = c.messages[k].split("{name}").join(name); });
    if (c.entries) out.entries = c.entries.map((e, i) => Object.assign(unpack(e, name + "[" + i + "]"), { name: name + "[" + i + "]" }));
    if (c.check) out.check = unpack(c.check, name);
    return out;
  }
  if (ol.check_table) {
    ["optimizers", "schedules"].forEach((kind) => Object.keys(ol.catalogue[kind]).forEach((owner) => {
      parameters(ol.catalogue[kind][owner]).forEach((p) => { p.check = unpack(p.check, p.name); });
    }));
    Object.keys(ol.settings.checks).forEach((name) => { ol.settings.checks[name] = unpack(ol.settings.checks[name], name); });
    delete ol.check_table;
  }

  Object.assign(ol, { check, options, schedule, setting, parameter, parameters, show, fill, has });
  if (typeof module !== "undefined" && module.exports) module.exports = ol;
})(typeof window !== "undefined" ? window : globalThis);
