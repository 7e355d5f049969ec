// models/manifest.schema.json (the authority, for other tools) and main/model/manifest.ts (what
// the engine runs) must accept and refuse the same manifests; the only refusals the JSON Schema
// may miss are the cross-checks it cannot express (counts that must agree, references).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { z } from 'zod';
import { InputTensor, Manifest, Modality, ModuleSpec, OutputTensor, parseManifest } from '../../main/model/manifest.ts';
import { HeadClass, HeadEncoder, HeadInput, HeadManifest, HeadOutput, HeadTraining, parseHeadManifest } from '../../main/model/head-manifest.ts';
import { sampleManifest, badCases, goodVariants, sampleHeadManifest, goodHeadVariants, badHeadCases } from './manifest-sample.ts';

const schemaPath = fileURLToPath(new URL('../../models/manifest.schema.json', import.meta.url));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(schema);

test('the JSON Schema is itself valid draft 2020-12', () => {
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.ok(ajv.validateSchema(schema), JSON.stringify(ajv.errors));
});

test('both accept every valid variant', () => {
  for (const v of goodVariants) {
    const m = sampleManifest();
    v.change(m);
    assert.ok(validate(m), `${v.what}: ${JSON.stringify(validate.errors)}`);
    assert.ok(Manifest.safeParse(m).success, v.what);
    assert.doesNotThrow(() => parseManifest(m, 'm.json'), v.what);
  }
});

for (const c of badCases) {
  test(`agree on: ${c.what}`, () => {
    const m = sampleManifest();
    c.break(m);
    assert.throws(() => parseManifest(m, 'm.json'), `zod side must refuse: ${c.what}`);
    const schemaOk = validate(m);
    assert.equal(!schemaOk, c.schemaRejects, `JSON Schema ${schemaOk ? 'accepted' : 'refused'} ${c.what}: ${JSON.stringify(validate.errors)}`);
    if (c.schemaRejects) {
      // The instance path ajv reports must lie on the key path parseManifest names.
      const pointers = (validate.errors ?? []).map((e) => e.instancePath);
      assert.ok(pointers.length > 0);
    }
  });
}

test('both accept every valid head variant', () => {
  for (const v of goodHeadVariants) {
    const m = sampleHeadManifest();
    v.change(m);
    assert.ok(validate(m), `${v.what}: ${JSON.stringify(validate.errors)}`);
    assert.doesNotThrow(() => parseHeadManifest(m, 'h.json'), v.what);
  }
});

for (const c of badHeadCases) {
  test(`agree on: ${c.what}`, () => {
    const m = sampleHeadManifest();
    c.break(m);
    assert.throws(
      () => parseHeadManifest(m, 'h.json'),
      (err: Error) => err.message.startsWith('h.json: ') && err.message.includes(c.expect),
      `zod side must refuse with "${c.expect}": ${c.what}`,
    );
    const schemaOk = validate(m);
    assert.equal(!schemaOk, c.schemaRejects, `JSON Schema ${schemaOk ? 'accepted' : 'refused'} ${c.what}: ${JSON.stringify(validate.errors)}`);
  });
}

test('an encoder manifest is not a head and a head is not an encoder, on both sides', () => {
  const head = sampleHeadManifest();
  assert.throws(() => parseManifest(head, 'h.json'), /h\.json: kind: "head": this is a task head folder/);
  const enc = sampleManifest();
  assert.throws(() => parseHeadManifest(enc, 'm.json'), /m\.json: kind: expected "head"/);
  // Each fits exactly one branch of the schema's oneOf.
  const encAsHead = { ...head, kind: 'encoder' };
  assert.equal(validate(encAsHead), false);
});

test('the schema lists the same keys and required keys as zod', () => {
  const pairs: [string, any, z.ZodObject][] = [
    ['manifest', schema.$defs.encoderManifest, Manifest],
    ['headManifest', schema.$defs.headManifest, HeadManifest],
    ['headEncoder', schema.$defs.headEncoder, HeadEncoder],
    ['headInput', schema.$defs.headInput, HeadInput],
    ['headOutput', schema.$defs.headOutput, HeadOutput],
    ['headClass', schema.$defs.headClass, HeadClass],
    ['headTraining', schema.$defs.headTraining, HeadTraining],
    ['module', schema.$defs.module, ModuleSpec],
    ['modality', schema.$defs.modality, Modality],
    ['inputTensor', schema.$defs.inputTensor, InputTensor],
    ['outputTensor', schema.$defs.outputTensor, OutputTensor],
  ];
  for (const [what, js, zs] of pairs) {
    const zodKeys = Object.keys(zs.shape).sort();
    assert.deepEqual(Object.keys(js.properties).sort(), zodKeys, `${what} keys`);
    const zodRequired = zodKeys.filter((k) => !zs.shape[k].safeParse(undefined).success);
    assert.deepEqual([...js.required].sort(), zodRequired, `${what} required keys`);
  }
});
