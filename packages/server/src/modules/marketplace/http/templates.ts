/** The templates area (openapi/templates.yaml): every provider's launch templates, from the template catalog. */
import { routes } from '../../../generated/routes/templates.js';
import type { LocalProviderAccess } from '../../../platform/auth/local-provider-access.js';
import { ApiProblem } from '../../../platform/http/problem.js';
import { area } from '../../../platform/module.js';
import type { TemplateCatalog } from '../template-catalog.js';
import type { ProviderTemplate } from '../../../providers/provider.js';

export function toTemplate(template: ProviderTemplate) {
  return {
    id: template.id,
    hash_id: template.hashId,
    name: template.name,
    provider: template.provider,
    image: template.image,
    tag: template.tag,
    env: template.env,
    onstart: template.onstart,
    runtype: template.runtype,
    use_ssh: template.useSsh,
    ssh_direct: template.sshDirect,
    recommended: template.recommended,
    recommended_disk_space: template.recommendedDiskSpace,
    extra_filters: template.extraFilters,
    creator_id: template.creatorId,
    created_at: template.createdAt?.toISOString() ?? null,
    count_created: template.countCreated,
  };
}

export function templatesArea(catalog: TemplateCatalog, localAccess: LocalProviderAccess) {
  /** Local templates are shown only to tenants that may use the local provider. */
  const visible = async (principal: Parameters<LocalProviderAccess['allows']>[0]) => {
    const localAllowed = await localAccess.allows(principal);
    return (template: ProviderTemplate) => localAllowed || template.provider !== 'local';
  };
  return area('templates', routes, {
    listTemplates: async (c) => {
      const { name } = c.req.valid('query');
      const shown = await visible(c.get('principal'));
      const templates = (await catalog.list(name !== undefined ? { name } : {})).filter(shown).map(toTemplate);
      return c.json({ templates, count: templates.length }, 200);
    },
    getTemplate: async (c) => {
      const { hash_id: hashId } = c.req.valid('param');
      const template = await catalog.get(hashId);
      if (!template || !(await visible(c.get('principal')))(template))
        throw new ApiProblem(404, 'NOT_FOUND', `Template '${hashId}' not found`);
      return c.json(toTemplate(template), 200);
    },
  });
}
