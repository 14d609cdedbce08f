//! Creates in the emulator what `template.yaml` declares: DynamoDB tables
//! (keys, indexes, TTL), SQS queues with their dead-letter queues, the
//! Step Functions state machines with their `DefinitionSubstitutions`, and
//! the EventBridge buses with their rules (SQS targets only, as moto
//! delivers no others).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Context};
use aws_config::SdkConfig;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    LocalSecondaryIndex, Projection, ProjectionType, ScalarAttributeType, StreamSpecification,
    StreamViewType, TimeToLiveSpecification,
};
use aws_sdk_sqs::types::QueueAttributeName;
use serde_yaml::{Mapping, Value};

use crate::template::{get_value, scalar, FunctionSpec, Resolved, Template};

/// What was provisioned for one stack.
pub struct Stack {
    pub name: String,
    pub functions: Vec<FunctionSpec>,
    /// Per function binary: its resolved environment.
    pub environments: HashMap<String, HashMap<String, String>>,
    /// Queue logical id → (url, arn).
    pub queues: HashMap<String, (String, String)>,
    /// Table logical id → its stream's ARN, for tables with a stream.
    pub streams: HashMap<String, String>,
    pub cors: Option<crate::gateway::Cors>,
    /// The WebSocket API, if the template has one.
    pub websocket: Option<crate::template::WebSocketSpec>,
}

fn seq<'a>(map: &'a Mapping, key: &str) -> Vec<&'a Mapping> {
    get_value(map, key)
        .and_then(Value::as_sequence)
        .map(|s| s.iter().filter_map(Value::as_mapping).collect())
        .unwrap_or_default()
}

fn field(map: &Mapping, key: &str) -> anyhow::Result<String> {
    scalar(get_value(map, key).ok_or_else(|| anyhow!("missing {key}"))?)
}

fn key_schema(items: Vec<&Mapping>) -> anyhow::Result<Vec<KeySchemaElement>> {
    items
        .into_iter()
        .map(|k| {
            Ok(KeySchemaElement::builder()
                .attribute_name(field(k, "AttributeName")?)
                .key_type(KeyType::from(field(k, "KeyType")?.as_str()))
                .build()?)
        })
        .collect()
}

async fn create_tables(
    template: &mut Template,
    sdk: &SdkConfig,
    stack: &str,
) -> anyhow::Result<HashMap<String, String>> {
    let client = aws_sdk_dynamodb::Client::new(sdk);
    let mut streams = HashMap::new();
    for (id, props) in template.resources_of("AWS::DynamoDB::Table") {
        let name = format!("{stack}-{id}");
        let mut request = client
            .create_table()
            .table_name(&name)
            .billing_mode(BillingMode::PayPerRequest)
            .set_key_schema(Some(key_schema(seq(&props, "KeySchema"))?));
        for a in seq(&props, "AttributeDefinitions") {
            request = request.attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name(field(a, "AttributeName")?)
                    .attribute_type(ScalarAttributeType::from(
                        field(a, "AttributeType")?.as_str(),
                    ))
                    .build()?,
            );
        }
        for index in seq(&props, "GlobalSecondaryIndexes") {
            let projection = get_value(index, "Projection")
                .and_then(Value::as_mapping)
                .and_then(|p| get_value(p, "ProjectionType"))
                .and_then(Value::as_str)
                .unwrap_or("ALL");
            request = request.global_secondary_indexes(
                GlobalSecondaryIndex::builder()
                    .index_name(field(index, "IndexName")?)
                    .set_key_schema(Some(key_schema(seq(index, "KeySchema"))?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::from(projection))
                            .set_non_key_attributes(
                                get_value(index, "Projection")
                                    .and_then(Value::as_mapping)
                                    .and_then(|p| get_value(p, "NonKeyAttributes"))
                                    .and_then(Value::as_sequence)
                                    .map(|s| {
                                        s.iter()
                                            .filter_map(|v| v.as_str().map(str::to_string))
                                            .collect()
                                    }),
                            )
                            .build(),
                    )
                    .build()?,
            );
        }
        for index in seq(&props, "LocalSecondaryIndexes") {
            let projection = get_value(index, "Projection")
                .and_then(Value::as_mapping)
                .and_then(|p| get_value(p, "ProjectionType"))
                .and_then(Value::as_str)
                .unwrap_or("ALL");
            request = request.local_secondary_indexes(
                LocalSecondaryIndex::builder()
                    .index_name(field(index, "IndexName")?)
                    .set_key_schema(Some(key_schema(seq(index, "KeySchema"))?))
                    .projection(
                        Projection::builder()
                            .projection_type(ProjectionType::from(projection))
                            .build(),
                    )
                    .build()?,
            );
        }
        if let Some(view) = get_value(&props, "StreamSpecification")
            .and_then(Value::as_mapping)
            .and_then(|s| get_value(s, "StreamViewType"))
        {
            request = request.stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::from(scalar(view)?.as_str()))
                    .build()?,
            );
        }
        let created = request
            .send()
            .await
            .map_err(|e| crate::aws_error(&format!("creating table {name}"), e))?;
        let stream_arn = created.table_description.and_then(|d| d.latest_stream_arn);
        if let Some(arn) = &stream_arn {
            streams.insert(id.clone(), arn.clone());
        }
        if let Some(ttl) = get_value(&props, "TimeToLiveSpecification").and_then(Value::as_mapping)
        {
            client
                .update_time_to_live()
                .table_name(&name)
                .time_to_live_specification(
                    TimeToLiveSpecification::builder()
                        .attribute_name(field(ttl, "AttributeName")?)
                        .enabled(true)
                        .build()?,
                )
                .send()
                .await
                .map_err(|e| crate::aws_error(&format!("enabling TTL on {name}"), e))?;
        }
        template.set(
            &id,
            Resolved {
                reference: name.clone(),
                attributes: HashMap::from_iter(
                    [(
                        "Arn".to_string(),
                        format!("arn:aws:dynamodb:us-east-1:123456789012:table/{name}"),
                    )]
                    .into_iter()
                    .chain(stream_arn.map(|arn| ("StreamArn".to_string(), arn))),
                ),
            },
        );
    }
    Ok(streams)
}

async fn create_queues(
    template: &mut Template,
    sdk: &SdkConfig,
    stack: &str,
) -> anyhow::Result<HashMap<String, (String, String)>> {
    let client = aws_sdk_sqs::Client::new(sdk);
    let mut queues = HashMap::new();
    let declared = template.resources_of("AWS::SQS::Queue");
    // Every queue first, then the redrive policies that point at the DLQs.
    for (id, props) in &declared {
        let name = format!("{stack}-{id}");
        let mut request = client.create_queue().queue_name(&name);
        for (key, attribute) in [
            ("VisibilityTimeout", QueueAttributeName::VisibilityTimeout),
            (
                "MessageRetentionPeriod",
                QueueAttributeName::MessageRetentionPeriod,
            ),
            ("DelaySeconds", QueueAttributeName::DelaySeconds),
        ] {
            if let Some(v) = get_value(props, key) {
                request = request.attributes(attribute, scalar(v)?);
            }
        }
        let url = request
            .send()
            .await
            .map_err(|e| crate::aws_error(&format!("creating queue {name}"), e))?
            .queue_url
            .ok_or_else(|| anyhow!("queue {name} has no URL"))?;
        let arn = format!("arn:aws:sqs:us-east-1:123456789012:{name}");
        template.set(
            id,
            Resolved {
                reference: url.clone(),
                attributes: HashMap::from([
                    ("Arn".to_string(), arn.clone()),
                    ("QueueName".to_string(), name),
                ]),
            },
        );
        queues.insert(id.clone(), (url, arn));
    }
    for (id, props) in &declared {
        let Some(redrive) = get_value(props, "RedrivePolicy").and_then(Value::as_mapping) else {
            continue;
        };
        let target = template.resolve(
            get_value(redrive, "deadLetterTargetArn").ok_or_else(|| anyhow!("{id}: no DLQ"))?,
        )?;
        let max = field(redrive, "maxReceiveCount")?;
        let policy = serde_json::json!({ "deadLetterTargetArn": target, "maxReceiveCount": max.parse::<u32>()? });
        client
            .set_queue_attributes()
            .queue_url(&queues[id].0)
            .attributes(QueueAttributeName::RedrivePolicy, policy.to_string())
            .send()
            .await
            .map_err(|e| crate::aws_error(&format!("setting the redrive policy of {id}"), e))?;
    }
    Ok(queues)
}

async fn create_state_machines(
    template: &mut Template,
    sdk: &SdkConfig,
    root: &Path,
) -> anyhow::Result<()> {
    let client = aws_sdk_sfn::Client::new(sdk);
    for (id, props) in template.resources_of("AWS::Serverless::StateMachine") {
        let uri = field(&props, "DefinitionUri")?;
        let mut definition =
            std::fs::read_to_string(root.join(&uri)).with_context(|| format!("reading {uri}"))?;
        if let Some(subs) = get_value(&props, "DefinitionSubstitutions").and_then(Value::as_mapping)
        {
            for (k, v) in subs {
                let key = format!("${{{}}}", scalar(k)?);
                definition = definition.replace(&key, &template.resolve(v)?);
            }
        }
        let name = match get_value(&props, "Name") {
            Some(v) => template.resolve(v)?,
            None => id.clone(),
        };
        let kind = get_value(&props, "Type")
            .map(scalar)
            .transpose()?
            .unwrap_or_else(|| "STANDARD".into());
        let arn = client
            .create_state_machine()
            .name(&name)
            .definition(definition)
            .r#type(aws_sdk_sfn::types::StateMachineType::from(kind.as_str()))
            .role_arn(format!("arn:aws:iam::123456789012:role/{name}"))
            .send()
            .await
            .map_err(|e| crate::aws_error(&format!("creating state machine {name}"), e))?
            .state_machine_arn;
        template.set(
            &id,
            Resolved {
                reference: arn.clone(),
                attributes: HashMap::from([("Arn".to_string(), arn), ("Name".to_string(), name)]),
            },
        );
    }
    Ok(())
}

async fn create_email_identities(template: &mut Template, sdk: &SdkConfig) -> anyhow::Result<()> {
    let client = aws_sdk_sesv2::Client::new(sdk);
    for (id, props) in template.resources_of("AWS::SES::EmailIdentity") {
        let identity = template.resolve(
            get_value(&props, "EmailIdentity").ok_or_else(|| anyhow!("{id}: no EmailIdentity"))?,
        )?;
        let result = client
            .create_email_identity()
            .email_identity(&identity)
            .send()
            .await;
        if let Err(e) = result {
            // Another stack in the same emulator may have created it.
            if !matches!(
                e.as_service_error(),
                Some(aws_sdk_sesv2::operation::create_email_identity::CreateEmailIdentityError::AlreadyExistsException(_))
            ) {
                return Err(crate::aws_error(&format!("creating SES identity {identity}"), e));
            }
        }
        template.set(
            &id,
            Resolved {
                reference: identity,
                attributes: HashMap::new(),
            },
        );
    }
    Ok(())
}

/// Creates the template's Secrets Manager secrets with the local values
/// (see [`crate::local_secret_value`]); `!Ref` gives their ARN, as in AWS.
async fn create_secrets(
    template: &mut Template,
    sdk: &SdkConfig,
    stack: &str,
) -> anyhow::Result<()> {
    let client = aws_sdk_secretsmanager::Client::new(sdk);
    for (id, _props) in template.resources_of("AWS::SecretsManager::Secret") {
        let value = crate::local_secret_value(&id)
            .ok_or_else(|| anyhow!("secret {id} has no local value in local/src/lib.rs"))?;
        let name = format!("{stack}-{id}");
        let arn = match client
            .create_secret()
            .name(&name)
            .secret_string(value)
            .send()
            .await
        {
            Ok(out) => out.arn().map(str::to_string),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_resource_exists_exception()) =>
            {
                client
                    .put_secret_value()
                    .secret_id(&name)
                    .secret_string(value)
                    .send()
                    .await
                    .map_err(|e| crate::aws_error(&format!("updating secret {name}"), e))?
                    .arn()
                    .map(str::to_string)
            }
            Err(e) => return Err(crate::aws_error(&format!("creating secret {name}"), e)),
        }
        .ok_or_else(|| anyhow!("secret {name} has no ARN"))?;
        template.set(
            &id,
            Resolved {
                reference: arn,
                attributes: HashMap::new(),
            },
        );
    }
    Ok(())
}

/// A template value (an event pattern) as JSON, intrinsics resolved.
fn json_of(template: &Template, value: &Value) -> anyhow::Result<serde_json::Value> {
    Ok(match value {
        Value::Tagged(_) => serde_json::Value::String(template.resolve(value)?),
        Value::Mapping(m) => {
            let mut object = serde_json::Map::new();
            for (k, v) in m {
                object.insert(scalar(k)?, json_of(template, v)?);
            }
            serde_json::Value::Object(object)
        }
        Value::Sequence(items) => serde_json::Value::Array(
            items
                .iter()
                .map(|v| json_of(template, v))
                .collect::<anyhow::Result<_>>()?,
        ),
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::to_value(n.as_f64())?,
        other => serde_json::Value::String(scalar(other)?),
    })
}

/// Creates the event buses, then their rules with their SQS targets.
async fn create_event_buses(
    template: &mut Template,
    sdk: &SdkConfig,
    stack: &str,
) -> anyhow::Result<()> {
    let client = aws_sdk_eventbridge::Client::new(sdk);
    for (id, _props) in template.resources_of("AWS::Events::EventBus") {
        let name = format!("{stack}-{id}");
        let arn = client
            .create_event_bus()
            .name(&name)
            .send()
            .await
            .map_err(|e| crate::aws_error(&format!("creating event bus {name}"), e))?
            .event_bus_arn
            .unwrap_or_else(|| format!("arn:aws:events:us-east-1:123456789012:event-bus/{name}"));
        template.set(
            &id,
            Resolved {
                reference: name,
                attributes: HashMap::from([("Arn".to_string(), arn)]),
            },
        );
    }
    for (id, props) in template.resources_of("AWS::Events::Rule") {
        // Schedules are the scheduler's (`crate::scheduler`); only rules on
        // a bus with an event pattern route events.
        let (Some(bus), Some(pattern)) = (
            get_value(&props, "EventBusName"),
            get_value(&props, "EventPattern"),
        ) else {
            continue;
        };
        let bus = template.resolve(bus)?;
        let pattern = json_of(template, pattern)?;
        let name = format!("{stack}-{id}");
        client
            .put_rule()
            .name(&name)
            .event_bus_name(&bus)
            .event_pattern(pattern.to_string())
            .send()
            .await
            .map_err(|e| crate::aws_error(&format!("creating rule {name}"), e))?;
        for target in seq(&props, "Targets") {
            let arn = template.resolve(
                get_value(target, "Arn").ok_or_else(|| anyhow!("{id}: a target without Arn"))?,
            )?;
            if !arn.starts_with("arn:aws:sqs:") {
                anyhow::bail!("{id}: the local stack routes events to SQS queues only, not {arn}");
            }
            client
                .put_targets()
                .rule(&name)
                .event_bus_name(&bus)
                .targets(
                    aws_sdk_eventbridge::types::Target::builder()
                        .id(field(target, "Id")?)
                        .arn(arn)
                        .build()?,
                )
                .send()
                .await
                .map_err(|e| crate::aws_error(&format!("adding a target to rule {name}"), e))?;
        }
    }
    Ok(())
}

/// Provisions a whole stack named `stack` from `root/template.yaml`.
pub async fn provision(root: &Path, sdk: &SdkConfig, stack: &str) -> anyhow::Result<Stack> {
    let mut template = Template::load(&root.join("template.yaml"), stack)?;
    let streams = create_tables(&mut template, sdk, stack).await?;
    create_email_identities(&mut template, sdk).await?;
    create_secrets(&mut template, sdk, stack).await?;
    let queues = create_queues(&mut template, sdk, stack).await?;
    create_event_buses(&mut template, sdk, stack).await?;
    create_state_machines(&mut template, sdk, root).await?;
    let functions = template.functions()?;
    let environments = functions
        .iter()
        .map(|f| (f.binary.clone(), template.environment(f)))
        .collect();
    Ok(Stack {
        name: stack.to_string(),
        functions,
        environments,
        queues,
        streams,
        cors: template.cors(),
        websocket: template.websocket()?,
    })
}
