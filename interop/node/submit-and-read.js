// Submit a job to Braid and read its result back, with nothing but Confluent's Schema Registry client
// (@confluentinc/schemaregistry: AvroSerializer / AvroDeserializer) and kafkajs.
//
//   node submit-and-read.js BOOTSTRAP REGISTRY_URL JOB_REQUEST_SCHEMA_FILE JOB_ID [v2|latest]
//
// Registers the JobRequest schema itself (as a client in another language would), produces the job to
// braid.jobs, consumes braid.job-results until the job's result arrives, and prints it as JSON. With "v2" it
// registers and writes a newer JobRequest with one more optional field (clientTag), as an upgraded client would;
// with "latest" it registers nothing (autoRegisterSchemas false, useLatestVersion true).
const fs = require('fs');
const { Kafka, Partitioners, logLevel } = require('kafkajs');
const { SchemaRegistryClient, SerdeType, AvroSerializer, AvroDeserializer } = require('@confluentinc/schemaregistry');

const [bootstrap, registryUrl, schemaFile, jobId, variant] = process.argv.slice(2);
if (!jobId) {
  console.error('usage: node submit-and-read.js BOOTSTRAP REGISTRY_URL JOB_REQUEST_SCHEMA_FILE JOB_ID');
  process.exit(2);
}

const run = async () => {
  const registry = new SchemaRegistryClient({ baseURLs: [registryUrl] });
  if (variant !== 'latest') {
    const schema = JSON.parse(fs.readFileSync(schemaFile, 'utf8'));
    if (variant === 'v2') {
      schema.fields.push({ name: 'clientTag', type: ['null', 'string'], default: null });
    }
    const schemaId = await registry.register('braid.jobs-value', { schemaType: 'AVRO', schema: JSON.stringify(schema) });
    console.error(`registered the JobRequest schema as id ${schemaId}`);
  }

  // "latest": register nothing, write with the version Braid's orchestrator registered at start-up
  const serializer = new AvroSerializer(registry, SerdeType.VALUE, variant === 'latest'
    ? { autoRegisterSchemas: false, useLatestVersion: true } : { useLatestVersion: true });
  const deserializer = new AvroDeserializer(registry, SerdeType.VALUE, {});
  const kafka = new Kafka({ clientId: 'braid-interop-node', brokers: [bootstrap], logLevel: logLevel.WARN });

  // the Java-compatible partitioner (murmur2 of the key), as Braid and every Java client use
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const job = {
    jobId,
    ...(variant === 'v2' ? { clientTag: 'upgraded' } : {}),
    inputs: { x: '6' },
    branches: [
      { branchId: 'product', kind: 'TOOL',
        tool: { name: 'calculator', argumentsJson: JSON.stringify({ expression: '{{x}} * 7' }) } },
      { branchId: 'words', kind: 'TOOL',
        tool: { name: 'text_stats', argumentsJson: JSON.stringify({ text: 'from node with love' }) } },
    ],
  };
  await producer.send({ topic: 'braid.jobs', messages: [{ key: jobId, value: await serializer.serialize('braid.jobs', job) }] });
  await producer.disconnect();
  console.error(`submitted ${jobId}`);

  const consumer = kafka.consumer({ groupId: `braid-interop-${jobId}` });
  await consumer.connect();
  await consumer.subscribe({ topic: 'braid.job-results', fromBeginning: true });
  const result = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no result for ${jobId} within 60 s`)), 60000);
    consumer.run({
      eachMessage: async ({ message }) => {
        if (message.key && message.key.toString() === jobId) {
          clearTimeout(timer);
          resolve(await deserializer.deserialize('braid.job-results', message.value));
        }
      },
    }).catch(reject);
  });
  await consumer.disconnect();
  console.log(JSON.stringify(result));
};

run().then(() => process.exit(0)).catch((e) => { console.error(e); process.exit(1); });
