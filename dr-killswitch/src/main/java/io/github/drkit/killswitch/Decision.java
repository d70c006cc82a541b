package io.github.drkit.killswitch;

/** One layer's active setting for one switch, with the source that set it. Immutable. */
record Decision(SwitchLayer layer, String source, SwitchSetting setting) {

    boolean sameDecisionAs(Decision other) {
        return other != null
                && layer == other.layer
                && source.equals(other.source)
                && setting.sameDecisionAs(other.setting);
    }

    SwitchStatus toStatus(String name) {
        return new SwitchStatus(
                name,
                setting.state(),
                layer,
                source,
                setting.reason(),
                setting.actor(),
                setting.changedAt(),
                setting.expiresAt());
    }
}
