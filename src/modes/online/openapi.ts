/** The OpenAPI 3.1 description of Tetra's HTTP API, served at /openapi.json. */
export function openApiDocument(): Record<string, unknown> {
  const json = (schema: Record<string, unknown>) => ({ content: { 'application/json': { schema } } });
  const error = { description: 'Error', ...json({ $ref: '#/components/schemas/Error' }) };
  const errors = { 400: error, 401: error, 404: error, 413: error, 429: error, 503: error, 504: error };
  const name = { name: 'name', in: 'path', required: true, schema: { type: 'string' } };
  const version = { name: 'version', in: 'path', required: true, schema: { type: 'string' } };
  const oipInfer = {
    summary: 'Open Inference Protocol v2 inference (JSON, or JSON header plus binary tensors)',
    parameters: [{ name: 'Inference-Header-Content-Length', in: 'header', schema: { type: 'integer' } }],
    requestBody: json({ $ref: '#/components/schemas/InferenceRequest' }),
    responses: { 200: { description: 'Outputs', ...json({ $ref: '#/components/schemas/InferenceResponse' }) }, ...errors },
  };
  const predict = {
    summary: 'Score records',
    requestBody: json({ type: 'object', required: ['instances'], properties: { instances: { type: 'array', items: { type: 'object' } } } }),
    responses: { 200: { description: 'One prediction per instance', ...json({ type: 'object', properties: { predictions: { type: 'array', items: { type: 'object' } } } }) }, ...errors },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'Tetra', version: '1', description: 'Online inference: Open Inference Protocol v2, a records API and the SageMaker container contract. Send `Authorization: Bearer <key>` when API keys are configured; `Tetra-Timeout` (e.g. `250ms`) bounds a call; `Tetra-Route-Key` keeps an entity on one side of a canary.' },
    paths: {
      '/v2/health/live': { get: { summary: 'Liveness', responses: { 200: { description: 'Live' } } } },
      '/v2/health/ready': { get: { summary: 'Readiness: every model loaded and warm', responses: { 200: { description: 'Ready' }, 503: { description: 'Not ready' } } } },
      '/v2': { get: { summary: 'Server metadata', responses: { 200: { description: 'Name, version, extensions' } } } },
      '/v2/models/{name}': { get: { summary: 'Model metadata', parameters: [name], responses: { 200: { description: 'Inputs and outputs' }, ...errors } } },
      '/v2/models/{name}/versions/{version}': { get: { summary: 'Model version metadata', parameters: [name, version], responses: { 200: { description: 'Inputs and outputs' }, ...errors } } },
      '/v2/models/{name}/ready': { get: { summary: 'Model readiness', parameters: [name], responses: { 200: { description: 'Ready' }, ...errors } } },
      '/v2/models/{name}/versions/{version}/ready': { get: { summary: 'Model version readiness', parameters: [name, version], responses: { 200: { description: 'Ready' }, ...errors } } },
      '/v2/models/{name}/infer': { post: { ...oipInfer, parameters: [name, ...oipInfer.parameters] } },
      '/v2/models/{name}/versions/{version}/infer': { post: { ...oipInfer, parameters: [name, version, ...oipInfer.parameters] } },
      '/v1/models': { get: { summary: 'Models and their served versions', responses: { 200: { description: 'Models' } } } },
      '/v1/models/{name}': { get: { summary: 'A model: signature, features, task', parameters: [name], responses: { 200: { description: 'Model' }, ...errors } } },
      '/v1/models/{name}:predict': { post: { ...predict, parameters: [name] } },
      '/v1/models/{name}/versions/{version}:predict': { post: { ...predict, parameters: [name, version] } },
      '/ping': { get: { summary: 'SageMaker health check', responses: { 200: { description: 'Healthy' }, 503: { description: 'Not ready' } } } },
      '/invocations': { post: { summary: 'SageMaker invocation: JSON records, JSON Lines or CSV rows', responses: { 200: { description: 'Predictions in the Accept format' }, ...errors } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'Text exposition format' } } } },
    },
    components: {
      schemas: {
        Error: { type: 'object', required: ['error'], properties: { error: { type: 'string' }, code: { type: 'string' } } },
        Tensor: { type: 'object', required: ['name', 'shape', 'datatype'], properties: { name: { type: 'string' }, shape: { type: 'array', items: { type: 'integer' } }, datatype: { type: 'string', enum: ['BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES'] }, parameters: { type: 'object' }, data: { type: 'array' } } },
        InferenceRequest: { type: 'object', required: ['inputs'], properties: { id: { type: 'string' }, parameters: { type: 'object' }, inputs: { type: 'array', items: { $ref: '#/components/schemas/Tensor' } }, outputs: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, parameters: { type: 'object' } } } } } },
        InferenceResponse: { type: 'object', required: ['model_name', 'outputs'], properties: { model_name: { type: 'string' }, model_version: { type: 'string' }, id: { type: 'string' }, parameters: { type: 'object' }, outputs: { type: 'array', items: { $ref: '#/components/schemas/Tensor' } } } },
      },
    },
  };
}
