import { startApp } from "@order-service/ui";
import { App } from "./App";
import { loadStorefrontConfig } from "./config";
import "./styles.css";

void startApp({ loadConfig: loadStorefrontConfig, failureTitle: "The shop could not open", App });
