"""The blueprints that make up the web app."""


def register(app):
    from host.views import (company, errors, hooks, integrations, invoice_integrations, invoices, messages, records,
                            runs, tokens)

    for module in (invoices, records, company, integrations, invoice_integrations, hooks, runs, tokens):
        app.register_blueprint(module.bp)
    errors.init_app(app)
    app.jinja_env.globals["integration_panels"] = invoice_integrations.panels_for
    app.jinja_env.filters["autolink"] = messages.autolink
    app.jinja_env.filters["utc_time"] = messages.utc_time
    app.jinja_env.filters["tidy"] = messages.tidy
    app.context_processor(messages.provider_titles)
