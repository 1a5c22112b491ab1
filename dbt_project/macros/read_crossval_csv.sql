{% macro read_crossval_csv(file_name, columns) %}
{#- The cross-validation of the reconstruction (`make crossval`, data/reference/crossval/*.csv).
    KZ_CROSSVAL_DIR points elsewhere (a test writes a small one). -#}
{{ read_typed_csv(env_var('KZ_CROSSVAL_DIR', 'data/reference/crossval') ~ '/' ~ file_name, columns) }}
{% endmacro %}
