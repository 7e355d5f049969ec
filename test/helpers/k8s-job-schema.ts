/**
 * The part of Kubernetes' batch/v1 Job schema that docs/cluster.md's Indexed Job uses, as
 * JSON Schema for ajv. Field names, enums and name patterns follow the API reference
 * (io.k8s.api.batch.v1.JobSpec, core/v1 PodSpec, Container, Volume); every object is closed
 * (additionalProperties: false), so a misspelt key (`completionsMode`) fails instead of being
 * ignored as the API server would. Fields the example does not use are not listed: adding
 * one to the docs means adding it here, from the reference.
 */
const dnsLabel = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 };
// resource.Quantity: a number with an optional binary/decimal suffix, or a plain integer.
const quantity = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?$' }] };
const strings = { type: 'array', items: { type: 'string' } };

const container = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'image'],
  properties: {
    name: dnsLabel,
    image: { type: 'string', minLength: 1 },
    command: strings,
    args: strings,
    env: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['name'], properties: { name: { type: 'string' }, value: { type: 'string' } } },
    },
    resources: {
      type: 'object',
      additionalProperties: false,
      properties: {
        limits: { type: 'object', additionalProperties: quantity },
        requests: { type: 'object', additionalProperties: quantity },
      },
    },
    volumeMounts: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'mountPath'],
        properties: { name: dnsLabel, mountPath: { type: 'string', pattern: '^/' }, readOnly: { type: 'boolean' } },
      },
    },
  },
};

const volume = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: dnsLabel,
    persistentVolumeClaim: {
      type: 'object',
      additionalProperties: false,
      required: ['claimName'],
      properties: { claimName: { type: 'string', minLength: 1 }, readOnly: { type: 'boolean' } },
    },
  },
};

export const jobSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'batch/v1' },
    kind: { const: 'Job' },
    metadata: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      // A Job's name becomes a label value of its pods: 63 characters at most.
      properties: { name: dnsLabel, namespace: dnsLabel, labels: { type: 'object', additionalProperties: { type: 'string' } } },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      required: ['template'],
      properties: {
        completions: { type: 'integer', minimum: 1 },
        parallelism: { type: 'integer', minimum: 0 },
        completionMode: { enum: ['NonIndexed', 'Indexed'] },
        backoffLimit: { type: 'integer', minimum: 0 },
        backoffLimitPerIndex: { type: 'integer', minimum: 0 },
        template: {
          type: 'object',
          additionalProperties: false,
          required: ['spec'],
          properties: {
            spec: {
              type: 'object',
              additionalProperties: false,
              required: ['containers', 'restartPolicy'],
              properties: {
                // A Job's pods may not use Always.
                restartPolicy: { enum: ['Never', 'OnFailure'] },
                containers: { type: 'array', minItems: 1, items: container },
                volumes: { type: 'array', items: volume },
              },
            },
          },
        },
      },
      // An Indexed Job needs completions (the API server refuses it without).
      if: { type: 'object', properties: { completionMode: { const: 'Indexed' } }, required: ['completionMode'] },
      then: { required: ['completions'] },
    },
  },
} as const;
