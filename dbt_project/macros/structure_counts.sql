{% macro structure_count_rows(counts_cte, table_code, breakdown_column, age_band_code='_T') %}
{#- A select of the external arrivals and departures of one canonical table (table_code) broken down by
    breakdown_column, for the given age band: every other breakdown is at its total `_T`. For the specialty
    table this keeps the specialist total over both education levels; a table split by level as well would
    otherwise count twice. -#}
select
    region_code,
    year,
    direction_code,
    {{ breakdown_column }},
    persons,
    provenance like 'published:%' as is_published
from {{ counts_cte }}
where table_code = '{{ table_code }}'
  and flow_code = 'external'
  and direction_code in ('arrival', 'departure')
  and age_band_code = '{{ age_band_code }}'
  {%- for column in ['country_code', 'sex_code', 'settlement_code', 'education_code', 'specialty_code'] %}
  {%- if column != breakdown_column %}
  and {{ column }} = '_T'
  {%- endif %}
  {%- endfor %}
{% endmacro %}
