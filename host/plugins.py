"""Finding provider plugins and calling exactly one of them.

Providers come from the ``erp_host`` entry-point group, each registered
under its entry-point name (the provider key). ``ERP_HOST_PLUGINS=a,b``
loads only those providers (empty: none); ``ERP_HOST_TRACE_PLUGINS=1`` logs
every hook call. A provider that fails to import or register is recorded
with its error; the rest keep working. Two providers with one key, or a
misspelled hook, stop start-up with :class:`StartupError`.
"""
from __future__ import annotations

import importlib.metadata
import logging
import os
import traceback
from dataclasses import dataclass, field

import pluggy

from host import hookspecs
from host.api import ProviderInfo

GROUP = "erp_host"
log = logging.getLogger("host.plugins")


class StartupError(Exception):
    """The installed plugins cannot work together; fix the installation."""


class UnknownProvider(LookupError):
    pass


class HookNotImplemented(LookupError):
    pass


@dataclass
class Provider:
    key: str
    distribution: str | None = None
    version: str | None = None
    plugin: object | None = None
    info: ProviderInfo | None = None
    hooks: tuple[str, ...] = ()
    load_error: str | None = None

    def implements(self, hook: str) -> bool:
        return hook in self.hooks

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "distribution": self.distribution,
            "version": self.version,
            "hooks": list(self.hooks),
            "load_error": self.load_error,
        }


@dataclass
class Registry:
    """The providers of one application: loaded ones and those that failed."""

    pm: pluggy.PluginManager
    providers: dict[str, Provider] = field(default_factory=dict)

    def register(self, key: str, plugin: object, distribution: str | None = None, version: str | None = None) -> Provider:
        """Register ``plugin`` under ``key`` (used for entry points and in tests)."""
        existing = self.providers.get(key)
        if existing is not None and existing.plugin is not None:
            raise StartupError(
                f"two plugins claim the provider key {key!r}: {existing.distribution} and {distribution}"
            )
        provider = Provider(key, distribution, version)
        try:
            self.pm.register(plugin, name=key)
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            self._forget(key, plugin)
            raise StartupError(f"plugin {key!r} is invalid: {exc}") from exc
        provider.plugin = plugin
        provider.hooks = tuple(sorted(c.name for c in self.pm.get_hookcallers(plugin) or ()))
        try:
            provider.info = self._subset("provider_info", key)()
            if not isinstance(provider.info, ProviderInfo):
                raise TypeError(f"provider_info returned {type(provider.info).__name__}, not ProviderInfo")
        except Exception:
            self._forget(key, plugin)
            provider.plugin = None
            provider.load_error = traceback.format_exc(limit=3)
        self.providers[key] = provider
        return provider

    def unregister(self, key: str) -> None:
        provider = self.providers.pop(key, None)
        if provider and provider.plugin is not None:
            self._forget(key, provider.plugin)

    def _forget(self, key: str, plugin: object) -> None:
        if self.pm.get_plugin(key) is plugin:
            self.pm.unregister(plugin, name=key)

    def record_failure(self, key: str, distribution: str | None, version: str | None, error: str) -> None:
        self.providers[key] = Provider(key, distribution, version, load_error=error)

    def get(self, key: str) -> Provider:
        provider = self.providers.get(key)
        if provider is None or provider.plugin is None:
            raise UnknownProvider(key)
        return provider

    def loaded(self) -> list[Provider]:
        return [p for _, p in sorted(self.providers.items()) if p.plugin is not None]

    def call(self, key: str, hook: str, **kwargs):
        """Call ``hook`` on provider ``key`` only, passing the arguments it accepts."""
        provider = self.get(key)
        if not provider.implements(hook):
            raise HookNotImplemented(f"{key} does not implement {hook}")
        return self._subset(hook, key)(**kwargs)

    def _subset(self, hook: str, key: str):
        others = [p.plugin for k, p in self.providers.items() if k != key and p.plugin is not None]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)


def new_registry(trace: bool = False) -> Registry:
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    if trace:
        log.setLevel(logging.INFO)
        pm.add_hookcall_monitoring(_trace_before, _trace_after)
    return Registry(pm)


def _trace_before(hook_name, hook_impls, kwargs):
    names = [impl.plugin_name for impl in hook_impls]
    log.info("hook %s -> %s args=%s", hook_name, names, sorted(kwargs))


def _trace_after(outcome, hook_name, hook_impls, kwargs):
    log.info("hook %s returned %s", hook_name, type(outcome.get_result()).__name__ if not outcome.exception else outcome.exception)


def load_entry_points(registry: Registry, allow: set[str] | None) -> None:
    """Register every installed provider (or only those in ``allow``)."""
    for ep in importlib.metadata.entry_points(group=GROUP):
        if allow is not None and ep.name not in allow:
            continue
        dist = ep.dist.name if ep.dist else None
        version = ep.dist.version if ep.dist else None
        try:
            plugin = ep.load()
        except Exception:
            log.error("provider %s failed to load", ep.name, exc_info=True)
            registry.record_failure(ep.name, dist, version, traceback.format_exc(limit=3))
            continue
        registry.register(ep.name, plugin, dist, version)


def registry_from_env(environ=os.environ) -> Registry:
    """Build the registry the running app uses, honouring the two env vars."""
    registry = new_registry(trace=environ.get("ERP_HOST_TRACE_PLUGINS", "") not in ("", "0"))
    allow_raw = environ.get("ERP_HOST_PLUGINS")
    allow = None if allow_raw is None else {name.strip() for name in allow_raw.split(",") if name.strip()}
    load_entry_points(registry, allow)
    return registry
