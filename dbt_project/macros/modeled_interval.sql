{#- The 80% interval of a modeled value: the value moved by a band of int_crossval_error_bands (`band` is the
    joined relation's alias). A count moves by a relative error and is never below 0; a balance moves by an error
    in persons; no band, no interval (greatest() would turn a
    missing end into 0). The low end is floored and the high end ceiled to whole persons. -#}
{% macro modeled_interval_end(value, band, bound, is_balance='false') -%}
    {%- set error = band ~ '.error_' ~ bound ~ '_value' -%}
    cast({{ 'floor' if bound == 'low' else 'ceil' }}(case
        when {{ error }} is null then null
        when {{ is_balance }} then {{ value }} + {{ error }}
        else greatest({{ value }} * (1 + {{ error }}), 0)
    end) as bigint)
{%- endmacro %}

{#- The held-out published figure lies inside the interval of its prediction (widened by its rounding). -#}
{% macro published_in_band(band) -%}
    annual.published_value between
    {{ modeled_interval_end('annual.predicted_value', band, 'low', 'annual.is_balance') }} - annual.rounding_tolerance
    and {{ modeled_interval_end('annual.predicted_value', band, 'high', 'annual.is_balance') }}
    + annual.rounding_tolerance
{%- endmacro %}

{#- The kind of figure the cross-validation would file a yearly flow of a region under
    (reference_data.crossval.kind_of): its errors set the row's interval. -#}
{% macro yearly_flow_figure_kind(rows, is_balance) -%}
    case
        when {{ rows }}.is_published then null
        when {{ rows }}.region_code = '75' then 'almaty'
        when {{ rows }}.region_code <> '00' then '{{ "regional_balance" if is_balance else "regional_total" }}'
        when {{ rows }}.age_scope_code = 'working_age' then 'education_specialty'
        else 'national_total'
    end
{%- endmacro %}
