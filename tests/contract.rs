//! The template, the handlers, the sample events and the OpenAPI document
//! describe the same API.

use std::collections::BTreeSet;

use local::template::Template;
use shared::api::Endpoint;
use shared::workers::Worker;

fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in name.chars() {
        if c == '-' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn every_route_of_the_template_has_a_handler_an_event_and_an_openapi_operation() {
    let root = local::project_root().unwrap();
    let template = Template::load(&root.join("template.yaml"), "contract").unwrap();
    let openapi: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("openapi.yaml")).unwrap()).unwrap();

    // The WebSocket API's authorizer and route handlers.
    let websocket = template
        .websocket()
        .unwrap()
        .map(|spec| local::realtime::RealtimeGateway::binaries(&spec))
        .unwrap_or_default();
    assert_eq!(websocket.len(), 3, "{websocket:?}");
    let mut from_template = BTreeSet::new();
    for function in template.functions().unwrap() {
        assert!(
            Endpoint::from_name(&function.binary).is_some()
                || Worker::from_name(&function.binary).is_some()
                || local::scheduler::JOBS.contains(&function.binary.as_str())
                || local::streams::CONSUMERS.contains(&function.binary.as_str())
                || websocket.contains(&function.binary),
            "{} has no handler",
            function.binary
        );
        assert!(
            root.join("events")
                .join(format!("{}.json", function.binary))
                .exists(),
            "events/{}.json is missing",
            function.binary
        );
        assert!(
            root.join("functions/src/bin")
                .join(format!("{}.rs", function.binary))
                .exists(),
            "functions/src/bin/{}.rs is missing",
            function.binary
        );
        for route in &function.routes {
            from_template.insert((
                route.method.to_lowercase(),
                route.path.clone(),
                camel(&function.binary),
                route.public,
            ));
        }
    }

    let mut from_openapi = BTreeSet::new();
    for (path, item) in openapi["paths"].as_mapping().unwrap() {
        for (method, operation) in item.as_mapping().unwrap() {
            let method = method.as_str().unwrap();
            if !["get", "post", "put", "patch", "delete"].contains(&method) {
                continue;
            }
            let security = operation["security"].as_sequence();
            let public = security.is_some_and(|s| {
                s.is_empty()
                    || s.iter()
                        .any(|r| r.as_mapping().is_some_and(|m| m.is_empty()))
            });
            from_openapi.insert((
                method.to_string(),
                path.as_str().unwrap().to_string(),
                operation["operationId"].as_str().unwrap().to_string(),
                public,
            ));
        }
    }
    assert_eq!(from_template, from_openapi);
    assert_eq!(
        from_template.len(),
        Endpoint::ALL.len(),
        "one route per endpoint function"
    );
}

#[test]
fn running_the_low_stock_report_answers_the_schema_of_the_newest_report() {
    let root = local::project_root().unwrap();
    let openapi: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("openapi.yaml")).unwrap()).unwrap();
    let report = &openapi["paths"]["/admin/reports/low-stock"];
    let schema = |method: &str| {
        report[method]["responses"]["200"]["content"]["application/json"]["schema"].clone()
    };
    assert_eq!(
        schema("post")["$ref"].as_str(),
        Some("#/components/schemas/LowStockReport")
    );
    let mut component = openapi["components"]["schemas"]["LowStockReport"].clone();
    component.as_mapping_mut().unwrap().remove("description");
    assert_eq!(component, schema("get"));
}

/// Every route of both APIs is throttled at its stage, and checkout has
/// tighter limits of its own (what API Gateway answers 429 beyond).
#[test]
fn every_route_is_throttled_and_checkout_has_its_own_burst_limit() {
    let root = local::project_root().unwrap();
    let template: serde_yaml::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("template.yaml")).unwrap())
            .unwrap();
    let resources = &template["Resources"];
    let limits = |settings: &serde_yaml::Value| {
        let rate = settings["ThrottlingRateLimit"].as_f64().unwrap_or(0.0);
        let burst = settings["ThrottlingBurstLimit"].as_u64().unwrap_or(0);
        assert!(rate > 0.0 && burst > 0, "no throttling in {settings:?}");
        (rate, burst)
    };
    let (rate, burst) = limits(&resources["HttpApi"]["Properties"]["DefaultRouteSettings"]);
    limits(&resources["RealtimeStage"]["Properties"]["DefaultRouteSettings"]);

    let mut checkout = None;
    for (_, resource) in resources.as_mapping().unwrap() {
        for (_, event) in resource["Properties"]["Events"]
            .as_mapping()
            .into_iter()
            .flatten()
        {
            let p = &event["Properties"];
            if event["Type"] == "HttpApi"
                && p["Method"] == "POST"
                && p["Path"] == "/carts/{cartId}/checkout"
            {
                checkout = Some(limits(&p["RouteSettings"]));
            }
        }
    }
    let (checkout_rate, checkout_burst) = checkout.expect("the checkout route's own limits");
    assert!(checkout_rate < rate && checkout_burst < burst);
}
