//! Reads `template.yaml` so that what runs locally is what deploys: the
//! tables, queues, state machines, functions, routes and environment.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, bail, Context};
use serde_yaml::{Mapping, Value};

/// A resource's values as `!Ref` and `!GetAtt` see them.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    pub reference: String,
    pub attributes: HashMap<String, String>,
}

/// The parsed template and the values of everything provisioned so far.
pub struct Template {
    pub resources: Mapping,
    pub globals_env: Mapping,
    pub parameters: Mapping,
    pub values: HashMap<String, Resolved>,
    pub pseudo: HashMap<String, String>,
    /// Parameter values given locally (parameters without a default).
    pub parameter_values: HashMap<String, String>,
}

/// One HTTP route of the API.
#[derive(Clone, Debug)]
pub struct RouteSpec {
    pub method: String,
    pub path: String,
    pub public: bool,
}

/// One function of the template.
#[derive(Clone, Debug)]
pub struct FunctionSpec {
    pub logical_id: String,
    pub binary: String,
    pub environment: Mapping,
    pub routes: Vec<RouteSpec>,
    /// Logical ids of the queues feeding this function.
    pub queues: Vec<String>,
    /// EventBridge schedule expressions that invoke this function.
    pub schedules: Vec<String>,
    /// DynamoDB streams feeding this function.
    pub streams: Vec<StreamSource>,
}

/// A DynamoDB stream event source, as Lambda's event source mapping reads it.
#[derive(Clone, Debug)]
pub struct StreamSource {
    /// Logical id of the table whose stream it reads.
    pub table: String,
    /// `TRIM_HORIZON` or `LATEST`.
    pub starting_position: String,
    pub batch_size: i32,
    /// Retries of a failing record before it is given up on.
    pub maximum_retry_attempts: u32,
    /// Logical id of the queue given-up records are reported to.
    pub on_failure: Option<String>,
    /// The `eventName`s the filter lets through (all when `None`).
    pub event_names: Option<Vec<String>>,
}

/// The logical id a `!GetAtt Id.Attr` names.
fn get_att_target(value: Option<&Value>) -> anyhow::Result<Option<String>> {
    match value {
        Some(Value::Tagged(t)) => {
            let target = scalar(&t.value)?;
            Ok(Some(
                target.split('.').next().unwrap_or_default().to_string(),
            ))
        }
        Some(other) => bail!("expected !GetAtt, found {other:?}"),
        None => Ok(None),
    }
}

/// The event names a stream filter lets through: only patterns on
/// `eventName` are supported, anything else is refused rather than ignored.
fn event_name_filter(props: &Mapping) -> anyhow::Result<Option<Vec<String>>> {
    let Some(filters) = get_map(props, "FilterCriteria")
        .and_then(|f| get(f, "Filters"))
        .and_then(Value::as_sequence)
    else {
        return Ok(None);
    };
    let mut names = Vec::new();
    for filter in filters {
        let pattern = filter
            .as_mapping()
            .and_then(|f| get(f, "Pattern"))
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("a stream filter without a Pattern"))?;
        let pattern: serde_json::Value = serde_json::from_str(pattern)?;
        let object = pattern
            .as_object()
            .filter(|o| o.len() == 1)
            .ok_or_else(|| anyhow!("the local runner filters on eventName only: {pattern}"))?;
        let values = object
            .get("eventName")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| anyhow!("the local runner filters on eventName only: {pattern}"))?;
        names.extend(values.iter().filter_map(|v| v.as_str().map(str::to_string)));
    }
    Ok(Some(names))
}

fn get<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    map.get(Value::String(key.to_string()))
}

fn get_map<'a>(map: &'a Mapping, key: &str) -> Option<&'a Mapping> {
    get(map, key).and_then(Value::as_mapping)
}

impl Template {
    pub fn load(path: &Path, stack_name: &str) -> anyhow::Result<Self> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let doc: Value = serde_yaml::from_str(&text).context("parsing template.yaml")?;
        let root = doc
            .as_mapping()
            .ok_or_else(|| anyhow!("template.yaml is not a mapping"))?;
        let resources = get_map(root, "Resources").cloned().unwrap_or_default();
        let globals_env = get_map(root, "Globals")
            .and_then(|g| get_map(g, "Function"))
            .and_then(|f| get_map(f, "Environment"))
            .and_then(|e| get_map(e, "Variables"))
            .cloned()
            .unwrap_or_default();
        let parameters = get_map(root, "Parameters").cloned().unwrap_or_default();
        let pseudo = HashMap::from([
            ("AWS::StackName".to_string(), stack_name.to_string()),
            ("AWS::Region".to_string(), "us-east-1".to_string()),
            ("AWS::AccountId".to_string(), "123456789012".to_string()),
            ("AWS::Partition".to_string(), "aws".to_string()),
            ("AWS::URLSuffix".to_string(), "amazonaws.com".to_string()),
        ]);
        Ok(Self {
            resources,
            globals_env,
            parameters,
            values: HashMap::new(),
            pseudo,
            parameter_values: HashMap::new(),
        })
    }

    /// Logical ids and properties of every resource of a type, in template order.
    pub fn resources_of(&self, kind: &str) -> Vec<(String, Mapping)> {
        self.resources
            .iter()
            .filter_map(|(id, r)| {
                let r = r.as_mapping()?;
                (get(r, "Type")?.as_str()? == kind).then(|| {
                    (
                        id.as_str().unwrap_or_default().to_string(),
                        get_map(r, "Properties").cloned().unwrap_or_default(),
                    )
                })
            })
            .collect()
    }

    pub fn set(&mut self, logical_id: &str, resolved: Resolved) {
        self.values.insert(logical_id.to_string(), resolved);
    }

    fn reference(&self, name: &str) -> anyhow::Result<String> {
        if let Some(v) = self.pseudo.get(name) {
            return Ok(v.clone());
        }
        if let Some(v) = self.values.get(name) {
            return Ok(v.reference.clone());
        }
        if let Some(v) = self.parameter_values.get(name) {
            return Ok(v.clone());
        }
        if let Some(p) = get_map(&self.parameters, name) {
            return scalar(
                get(p, "Default").ok_or_else(|| anyhow!("parameter {name} has no default"))?,
            );
        }
        bail!("!Ref {name}: not provisioned locally")
    }

    fn attribute(&self, name: &str, attribute: &str) -> anyhow::Result<String> {
        self.values
            .get(name)
            .and_then(|r| r.attributes.get(attribute))
            .cloned()
            .ok_or_else(|| anyhow!("!GetAtt {name}.{attribute}: not provisioned locally"))
    }

    fn substitute(&self, text: &str) -> anyhow::Result<String> {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let end = rest[start..]
                .find('}')
                .ok_or_else(|| anyhow!("unclosed ${{ in {text}"))?
                + start;
            let name = &rest[start + 2..end];
            let value = match name.split_once('.') {
                Some((resource, attribute)) if !name.starts_with("AWS::") => {
                    self.attribute(resource, attribute)?
                }
                _ => self.reference(name)?,
            };
            out.push_str(&value);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Resolves a value with `!Ref`, `!GetAtt` and `!Sub` to a string.
    pub fn resolve(&self, value: &Value) -> anyhow::Result<String> {
        match value {
            Value::Tagged(tagged) => {
                let tag = tagged.tag.to_string();
                match tag.trim_start_matches('!') {
                    "Ref" => self.reference(&scalar(&tagged.value)?),
                    "GetAtt" => {
                        let (name, attribute) = match &tagged.value {
                            Value::Sequence(parts) if parts.len() == 2 => {
                                (scalar(&parts[0])?, scalar(&parts[1])?)
                            }
                            other => {
                                let s = scalar(other)?;
                                let (a, b) = s
                                    .split_once('.')
                                    .ok_or_else(|| anyhow!("bad !GetAtt {s}"))?;
                                (a.to_string(), b.to_string())
                            }
                        };
                        self.attribute(&name, &attribute)
                    }
                    "Sub" => self.substitute(&scalar(&tagged.value)?),
                    other => bail!("unsupported intrinsic !{other}"),
                }
            }
            Value::Mapping(m) if m.len() == 1 => {
                let (k, v) = m.iter().next().ok_or_else(|| anyhow!("empty mapping"))?;
                match k.as_str() {
                    Some("Ref") => self.reference(&scalar(v)?),
                    Some("Fn::Sub") => self.substitute(&scalar(v)?),
                    Some("Fn::GetAtt") => {
                        let parts = v.as_sequence().ok_or_else(|| anyhow!("bad Fn::GetAtt"))?;
                        self.attribute(&scalar(&parts[0])?, &scalar(&parts[1])?)
                    }
                    _ => bail!("cannot resolve {value:?}"),
                }
            }
            other => scalar(other),
        }
    }

    /// Every function with its binary, routes, queues and environment.
    pub fn functions(&self) -> anyhow::Result<Vec<FunctionSpec>> {
        let mut out = Vec::new();
        for (id, resource) in &self.resources {
            let Some(resource) = resource.as_mapping() else {
                continue;
            };
            if get(resource, "Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
                continue;
            }
            let logical_id = id.as_str().unwrap_or_default().to_string();
            let binary = get_map(resource, "Metadata")
                .and_then(|m| get_map(m, "BuildProperties"))
                .and_then(|b| get(b, "Binary"))
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow!("{logical_id} has no Metadata.BuildProperties.Binary"))?
                .to_string();
            let properties = get_map(resource, "Properties").cloned().unwrap_or_default();
            let mut environment = self.globals_env.clone();
            if let Some(vars) =
                get_map(&properties, "Environment").and_then(|e| get_map(e, "Variables"))
            {
                for (k, v) in vars {
                    environment.insert(k.clone(), v.clone());
                }
            }
            let mut routes = Vec::new();
            let mut queues = Vec::new();
            let mut schedules = Vec::new();
            let mut streams = Vec::new();
            for (_, event) in get_map(&properties, "Events").cloned().unwrap_or_default() {
                let Some(event) = event.as_mapping() else {
                    continue;
                };
                let props = get_map(event, "Properties").cloned().unwrap_or_default();
                match get(event, "Type").and_then(Value::as_str) {
                    Some("HttpApi") => routes.push(RouteSpec {
                        method: get(&props, "Method")
                            .and_then(Value::as_str)
                            .unwrap_or("ANY")
                            .to_uppercase(),
                        path: get(&props, "Path")
                            .and_then(Value::as_str)
                            .unwrap_or("/")
                            .to_string(),
                        public: get_map(&props, "Auth")
                            .and_then(|a| get(a, "Authorizer"))
                            .and_then(Value::as_str)
                            == Some("NONE"),
                    }),
                    Some("Schedule" | "ScheduleV2") => {
                        let expression = get(&props, "ScheduleExpression")
                            .or_else(|| get(&props, "Schedule"))
                            .ok_or_else(|| {
                                anyhow!("{logical_id}: a schedule without an expression")
                            })?;
                        schedules.push(self.resolve(expression)?);
                    }
                    Some("DynamoDB") => {
                        let table = get_att_target(get(&props, "Stream"))?.ok_or_else(|| {
                            anyhow!("{logical_id}: a DynamoDB event without a Stream")
                        })?;
                        let number = |key: &str, default: i64| {
                            get(&props, key).and_then(Value::as_i64).unwrap_or(default)
                        };
                        streams.push(StreamSource {
                            table,
                            starting_position: get(&props, "StartingPosition")
                                .and_then(Value::as_str)
                                .unwrap_or("LATEST")
                                .to_string(),
                            batch_size: i32::try_from(number("BatchSize", 100))?,
                            maximum_retry_attempts: u32::try_from(number(
                                "MaximumRetryAttempts",
                                10_000,
                            ))?,
                            on_failure: get_att_target(
                                get_map(&props, "DestinationConfig")
                                    .and_then(|d| get_map(d, "OnFailure"))
                                    .and_then(|o| get(o, "Destination")),
                            )?,
                            event_names: event_name_filter(&props)?,
                        });
                    }
                    Some("SQS") => {
                        if let Some(Value::Tagged(t)) = get(&props, "Queue") {
                            let target = scalar(&t.value)?;
                            queues.push(target.split('.').next().unwrap_or_default().to_string());
                        }
                    }
                    _ => {}
                }
            }
            out.push(FunctionSpec {
                logical_id,
                binary,
                environment,
                routes,
                queues,
                schedules,
                streams,
            });
        }
        Ok(out)
    }

    /// A function's environment with intrinsics resolved; values that only
    /// exist in AWS (the user pool) are left out.
    pub fn environment(&self, function: &FunctionSpec) -> HashMap<String, String> {
        function
            .environment
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), self.resolve(v).ok()?)))
            .collect()
    }
}

impl Template {
    /// The `CorsConfiguration` of the first `AWS::Serverless::HttpApi`.
    pub fn cors(&self) -> Option<crate::gateway::Cors> {
        let (_, api) = self
            .resources_of("AWS::Serverless::HttpApi")
            .into_iter()
            .next()?;
        let cors = get_map(&api, "CorsConfiguration")?;
        let list = |key: &str| -> Vec<String> {
            get(cors, key)
                .and_then(Value::as_sequence)
                .map(|s| s.iter().filter_map(|v| scalar(v).ok()).collect())
                .unwrap_or_default()
        };
        Some(crate::gateway::Cors {
            allow_origins: list("AllowOrigins"),
            allow_headers: list("AllowHeaders"),
            allow_methods: list("AllowMethods"),
        })
    }
}

pub fn scalar(value: &Value) -> anyhow::Result<String> {
    match value {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => bail!("expected a scalar, found {other:?}"),
    }
}

pub fn get_value<'a>(map: &'a Mapping, key: &str) -> Option<&'a Value> {
    get(map, key)
}

/// The WebSocket API of the template, as the local gateway serves it.
#[derive(Clone, Debug, Default)]
pub struct WebSocketSpec {
    /// The stage's name (the URL's path in AWS).
    pub stage: String,
    /// Per route key (`$connect`, `$disconnect`): the binary it invokes.
    pub routes: HashMap<String, String>,
    /// The binary of the `$connect` route's REQUEST authorizer, if any.
    pub authorizer: Option<String>,
    /// The authorizer's identity sources: without them the handshake is
    /// refused before the authorizer runs (`route.request.querystring.x`).
    pub identity_source: Vec<String>,
}

/// The first `${Name}` or `${Name.Attribute}` a `!Sub` names (not a
/// pseudo parameter): the logical id it refers to.
fn sub_target(value: Option<&Value>) -> Option<String> {
    let text = match value? {
        Value::Tagged(t) => t.value.as_str()?.to_string(),
        Value::Mapping(m) => get(m, "Fn::Sub")?.as_str()?.to_string(),
        _ => return None,
    };
    let mut rest = text.as_str();
    while let Some(start) = rest.find("${") {
        let end = rest[start..].find('}')? + start;
        let name = &rest[start + 2..end];
        if !name.starts_with("AWS::") {
            return Some(name.split('.').next().unwrap_or(name).to_string());
        }
        rest = &rest[end + 1..];
    }
    None
}

/// The logical id a `!Ref Id` names.
fn ref_target(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Tagged(t) if t.tag.to_string().trim_start_matches('!') == "Ref" => {
            t.value.as_str().map(str::to_string)
        }
        Value::Mapping(m) => get(m, "Ref")?.as_str().map(str::to_string),
        _ => None,
    }
}

impl Template {
    /// The binary of the function a logical id names.
    fn binary_of(&self, logical_id: &str) -> Option<String> {
        let resource = get_map(&self.resources, logical_id)?;
        get_map(resource, "Metadata")
            .and_then(|m| get_map(m, "BuildProperties"))
            .and_then(|b| get(b, "Binary"))
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// The first `AWS::ApiGatewayV2::Api` with `ProtocolType: WEBSOCKET`,
    /// with its stage, routes and authorizer resolved to function binaries.
    pub fn websocket(&self) -> anyhow::Result<Option<WebSocketSpec>> {
        let Some((api, _)) = self
            .resources_of("AWS::ApiGatewayV2::Api")
            .into_iter()
            .find(|(_, p)| get(p, "ProtocolType").and_then(Value::as_str) == Some("WEBSOCKET"))
        else {
            return Ok(None);
        };
        let of_api = |kind: &str| -> Vec<(String, Mapping)> {
            self.resources_of(kind)
                .into_iter()
                .filter(|(_, p)| ref_target(get(p, "ApiId")).as_deref() == Some(api.as_str()))
                .collect()
        };
        let mut spec = WebSocketSpec {
            stage: of_api("AWS::ApiGatewayV2::Stage")
                .first()
                .and_then(|(_, p)| {
                    get(p, "StageName")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .unwrap_or_else(|| "$default".into()),
            ..WebSocketSpec::default()
        };
        let integrations: HashMap<String, Mapping> = of_api("AWS::ApiGatewayV2::Integration")
            .into_iter()
            .collect();
        let authorizers: HashMap<String, Mapping> = of_api("AWS::ApiGatewayV2::Authorizer")
            .into_iter()
            .collect();
        let function = |uri: Option<&Value>, what: &str| -> anyhow::Result<String> {
            let logical =
                sub_target(uri).ok_or_else(|| anyhow!("{what}: no function in its URI"))?;
            self.binary_of(&logical)
                .ok_or_else(|| anyhow!("{what}: {logical} is not a function with a binary"))
        };
        for (id, route) in of_api("AWS::ApiGatewayV2::Route") {
            let key = get(&route, "RouteKey")
                .and_then(Value::as_str)
                .ok_or_else(|| anyhow!("{id}: no RouteKey"))?
                .to_string();
            let integration = sub_target(get(&route, "Target"))
                .ok_or_else(|| anyhow!("{id}: no Target integration"))?;
            let props = integrations
                .get(&integration)
                .ok_or_else(|| anyhow!("{id}: unknown integration {integration}"))?;
            spec.routes.insert(
                key.clone(),
                function(get(props, "IntegrationUri"), &integration)?,
            );
            if key == "$connect" {
                if let Some(authorizer) = ref_target(get(&route, "AuthorizerId")) {
                    let props = authorizers
                        .get(&authorizer)
                        .ok_or_else(|| anyhow!("{id}: unknown authorizer {authorizer}"))?;
                    spec.authorizer = Some(function(get(props, "AuthorizerUri"), &authorizer)?);
                    spec.identity_source = get(props, "IdentitySource")
                        .and_then(Value::as_sequence)
                        .map(|s| {
                            s.iter()
                                .filter_map(|v| v.as_str().map(str::to_string))
                                .collect()
                        })
                        .unwrap_or_default();
                }
            }
        }
        Ok(Some(spec))
    }
}
