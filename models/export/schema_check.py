"""A small JSON Schema (draft 2020-12) checker covering the keywords models/manifest.schema.json
uses; the jsonschema package is not available here.

API
    validate(instance, schema) -> list of 'path: problem' strings (empty when valid)
    validate_manifest(manifest, schema_path=SCHEMA) -> same, against models/manifest.schema.json

Keywords: $ref (local #/...), type, enum, const, required, properties, additionalProperties,
propertyNames, minProperties, items, minItems, uniqueItems, minLength, pattern, minimum,
exclusiveMinimum, maximum, exclusiveMaximum, oneOf, allOf. An unknown keyword raises, so a schema change cannot be
silently ignored.
"""
import json
import os
import re

SCHEMA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'manifest.schema.json')
_IGNORED = {'$schema', '$id', 'title', 'description', '$defs'}
_TYPES = {
    'object': lambda v: isinstance(v, dict),
    'array': lambda v: isinstance(v, list),
    'string': lambda v: isinstance(v, str),
    'integer': lambda v: isinstance(v, int) and not isinstance(v, bool),
    'number': lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    'boolean': lambda v: isinstance(v, bool),
    'null': lambda v: v is None,
}


def _resolve(root, ref):
    if not ref.startswith('#/'):
        raise ValueError(f'only local $ref supported, got {ref}')
    node = root
    for part in ref[2:].split('/'):
        node = node[part]
    return node


def _check(v, s, root, path, errs):
    for key, rule in s.items():
        if key in _IGNORED:
            continue
        if key == '$ref':
            _check(v, _resolve(root, rule), root, path, errs)
        elif key == 'type':
            types = rule if isinstance(rule, list) else [rule]
            if not any(_TYPES[t](v) for t in types):
                errs.append(f'{path}: expected {"/".join(types)}, got {type(v).__name__}')
                return
        elif key == 'enum':
            if v not in rule:
                errs.append(f'{path}: {v!r} not one of {rule}')
        elif key == 'const':
            if v != rule:
                errs.append(f'{path}: must be {rule!r}')
        elif key == 'oneOf':
            results = [_sub(v, sub, root, path) for sub in rule]
            ok = [i for i, e in enumerate(results) if not e]
            if not ok:
                # Name every problem of the closest alternative: for the manifest's encoder/head
                # split that is the kind the manifest meant, so no problem hides behind the other.
                closest = min(results, key=len)
                errs.append(f'{path}: matches none of the {len(rule)} oneOf alternatives; the closest has {len(closest)} problem(s)')
                errs += closest
            elif len(ok) > 1:
                errs.append(f'{path}: matches {len(ok)} of oneOf alternatives')
        elif key == 'allOf':
            for sub in rule:
                _check(v, sub, root, path, errs)
        elif isinstance(v, dict) and key in ('required', 'properties', 'additionalProperties', 'propertyNames',
                                             'minProperties'):
            if key == 'required':
                errs += [f'{path}: missing {k!r}' for k in rule if k not in v]
            elif key == 'properties':
                for k, sub in rule.items():
                    if k in v:
                        _check(v[k], sub, root, f'{path}.{k}', errs)
            elif key == 'additionalProperties':
                extra = [k for k in v if k not in s.get('properties', {})]
                for k in extra:
                    if rule is False:
                        errs.append(f'{path}: unexpected property {k!r}')
                    elif isinstance(rule, dict):
                        _check(v[k], rule, root, f'{path}.{k}', errs)
            elif key == 'propertyNames':
                for k in v:
                    _check(k, rule, root, f'{path}[{k!r}] name', errs)
            elif key == 'minProperties' and len(v) < rule:
                errs.append(f'{path}: needs at least {rule} properties')
        elif isinstance(v, list) and key in ('items', 'minItems', 'uniqueItems'):
            if key == 'items':
                for i, item in enumerate(v):
                    _check(item, rule, root, f'{path}[{i}]', errs)
            elif key == 'minItems' and len(v) < rule:
                errs.append(f'{path}: needs at least {rule} items')
            elif key == 'uniqueItems' and rule and len({json.dumps(x, sort_keys=True) for x in v}) != len(v):
                errs.append(f'{path}: items are not unique')
        elif isinstance(v, str) and key in ('minLength', 'pattern'):
            if key == 'minLength' and len(v) < rule:
                errs.append(f'{path}: shorter than {rule}')
            elif key == 'pattern' and not re.search(rule, v):
                errs.append(f'{path}: {v!r} does not match {rule}')
        elif _TYPES['number'](v) and key in ('minimum', 'exclusiveMinimum', 'maximum', 'exclusiveMaximum'):
            if key == 'minimum' and v < rule:
                errs.append(f'{path}: {v} < {rule}')
            elif key == 'exclusiveMinimum' and v <= rule:
                errs.append(f'{path}: {v} <= {rule}')
            elif key == 'maximum' and v > rule:
                errs.append(f'{path}: {v} > {rule}')
            elif key == 'exclusiveMaximum' and v >= rule:
                errs.append(f'{path}: {v} >= {rule}')
        elif key not in ('required', 'properties', 'additionalProperties', 'propertyNames', 'minProperties', 'items',
                         'minItems', 'uniqueItems', 'minLength', 'pattern', 'minimum', 'exclusiveMinimum', 'maximum',
                         'exclusiveMaximum'):
            raise ValueError(f'schema keyword {key!r} at {path} is not supported by schema_check.py')


def _sub(v, s, root, path):
    errs = []
    _check(v, s, root, path, errs)
    return errs


def validate(instance, schema):
    errs = []
    _check(instance, schema, schema, '$', errs)
    return errs


def validate_manifest(manifest, schema_path=SCHEMA):
    with open(schema_path) as fh:
        return validate(manifest, json.load(fh))
