{% macro duckdb__filter_exceptions() %}
{#- dbt-project-evaluator's filter of its findings by the exceptions seed, reading ours: the package applies the
    seed only when its own empty seed is absent from the graph, which only a `seeds: dbt_project_evaluator:`
    block of dbt_project.yml could do, and that block warns in every build that does not load the package.
    Dispatched through `dispatch:` in dbt_project.yml; used only where KZ_EVALUATE=1 loads the package. -#}
    {#- Outside the `execute` block, so that dbt records the seed as the model's parent at parse time. -#}
    {%- set exceptions_seed = ref('dbt_project_evaluator_exceptions') -%}
    {%- if execute and flags.WHICH not in ['compile'] %}
        {%- set exceptions = run_query(
            "select column_name, id_to_exclude from " ~ exceptions_seed ~ " where fct_name = '" ~ model.name ~ "'") %}
    where 1 = 1
        {%- for exception in exceptions %}
        and {{ exception[0] }} not like '{{ exception[1] }}'
        {%- endfor %}
    {%- endif %}
{% endmacro %}
