import { loadConfig } from "@order-service/auth";
import { startApp } from "@order-service/ui";
import { App } from "./App";
import "./styles.css";

void startApp({ loadConfig, failureTitle: "The dashboard could not start", App });
