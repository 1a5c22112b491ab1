{% macro read_ensemble_csv(file_name, columns) %}
{#- The ensemble of reconstructions (`make ensemble`, data/reference/ensemble/*.csv). KZ_ENSEMBLE_DIR points
    elsewhere (a test writes a tiny ensemble). -#}
{{ read_typed_csv(env_var('KZ_ENSEMBLE_DIR', 'data/reference/ensemble') ~ '/' ~ file_name, columns) }}
{% endmacro %}
