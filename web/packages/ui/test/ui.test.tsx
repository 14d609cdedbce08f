import { ApiError } from "@order-service/api";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { applyServerError, CheckField, Empty, ErrorState, Field, Loading, timestampFormatters } from "../src";

describe("Field", () => {
  it("labels its control and describes it with its hint and its error", () => {
    render(
      <Field label="Price" hint="In dollars" error={{ message: "must be positive" }}>
        {(props) => <input {...props} />}
      </Field>,
    );
    const input = screen.getByLabelText("Price");
    expect(input).toHaveAttribute("aria-invalid", "true");
    expect(input).toHaveAccessibleDescription("In dollars must be positive");
  });

  it("leaves a control without hint or error undescribed", () => {
    render(<Field label="Name">{(props) => <input {...props} />}</Field>);
    const input = screen.getByLabelText("Name");
    expect(input).toHaveAttribute("aria-invalid", "false");
    expect(input).not.toHaveAttribute("aria-describedby");
  });

  it("puts a checkbox's label after it", () => {
    render(<CheckField label="Active">{(props) => <input type="checkbox" {...props} />}</CheckField>);
    expect(screen.getByRole("checkbox", { name: "Active" })).toBeInTheDocument();
  });
});

describe("states", () => {
  it("shows loading as a status and empty as the element asked for", () => {
    const { container } = render(
      <>
        <Loading />
        <Empty as="div">
          <p>Nothing yet.</p>
        </Empty>
      </>,
    );
    expect(screen.getByRole("status")).toHaveTextContent("Loading…");
    expect(container.querySelector("div.state-empty > p")).toHaveTextContent("Nothing yet.");
  });

  it("words the error with the app's ErrorText and offers to try again", async () => {
    const retry = vi.fn();
    render(<ErrorState error={new Error("down")} title="Orders:" retry={retry} ErrorText={({ error }) => <span>said {String((error as Error).message)}</span>} />);
    expect(screen.getByRole("alert")).toHaveTextContent("Orders: said down Try again");
    await userEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(retry).toHaveBeenCalledOnce();
  });
});

describe("applyServerError", () => {
  const invalid = (message: string) => new ApiError({ status: 400, code: "invalid_field", message });

  it("puts an invalid_field error on the field it names, or on its first segment's", () => {
    const setError = vi.fn();
    expect(applyServerError(invalid("price.amount: must be positive"), setError, { price: "amount" })).toBe(true);
    expect(setError).toHaveBeenCalledWith("amount", { type: "server", message: "must be positive" }, { shouldFocus: true });
  });

  it("answers false for an error that names no field of the form", () => {
    const setError = vi.fn();
    expect(applyServerError(invalid("sku: already exists"), setError, { price: "amount" })).toBe(false);
    expect(applyServerError(new ApiError({ status: 409, code: "conflict", message: "changed" }), setError, { price: "amount" })).toBe(false);
    expect(setError).not.toHaveBeenCalled();
  });
});

describe("timestampFormatters", () => {
  const { formatDateTime, formatDateTimeSeconds } = timestampFormatters("en-GB");

  it("words a timestamp in the locale, to the minute or the second", () => {
    const at = "2025-03-04T05:06:07Z";
    const options = { dateStyle: "medium", timeStyle: "short" } as const;
    expect(formatDateTime(at)).toBe(new Intl.DateTimeFormat("en-GB", options).format(new Date(at)));
    expect(formatDateTimeSeconds(at)).toBe(new Intl.DateTimeFormat("en-GB", { ...options, timeStyle: "medium" }).format(new Date(at)));
  });

  it("shows a dash for none and an unreadable value as it is", () => {
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTimeSeconds(undefined)).toBe("—");
    expect(formatDateTime("soon")).toBe("soon");
  });
});
