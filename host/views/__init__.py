"""The blueprints that make up the web app."""


def register(app):
    from host.views import (bank_accounts, company, errors, history_rows, hooks, integrations, invoice_integrations,
                            invoices, messages, payments, records, runs, tokens)
    from host.payment_means import formatted_iban

    for module in (invoices, records, company, integrations, invoice_integrations, hooks, runs, tokens, payments,
                   bank_accounts):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    app.jinja_env.globals["integration_panels"] = invoice_integrations.panels_for
    app.jinja_env.globals["event_rows"] = history_rows.event_rows
    app.jinja_env.filters["autolink"] = messages.autolink
    app.jinja_env.filters["utc_time"] = messages.utc_time
    app.jinja_env.filters["tidy"] = messages.tidy
    app.jinja_env.filters["iban"] = formatted_iban
    app.context_processor(messages.provider_titles)
